package orders

import (
	"context"

	"github.com/fieldproof/fieldproof/internal/auth"
	"github.com/fieldproof/fieldproof/internal/photos"
	"github.com/fieldproof/fieldproof/internal/policy"
	"github.com/fieldproof/fieldproof/internal/projects"
)

// GetMany is Get for many orders at once, for the phones' sync: a page
// of changes can name a few hundred orders, and Get's half-dozen queries
// each made one sync cost a thousand round trips. Here the orders, their
// events, their responses and the responses' photos are one query each,
// and each project's relation to the caller is read once. Orders the
// caller may not see, or that do not exist, are absent from the map.
func (s *Service) GetMany(ctx context.Context, p auth.Principal, ids []string) (map[string]Detail, error) {
	out := make(map[string]Detail, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := s.d.Store.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	rels := projects.NewRelations(s.d.Projects, p.UserID)
	var visible, withResponses []string
	now := s.now()
	for _, o := range list {
		pr, exists, err := rels.Of(ctx, o.ProjectID)
		if err != nil {
			return nil, err
		}
		if !exists {
			continue
		}
		rel := policy.OrderRelation{Project: pr, UnitID: o.UnitID}
		if !policy.CanSeeOrder(p, rel) {
			continue
		}
		out[o.ID] = Detail{Order: o, View: levelOf(policy.OrderViewOf(p, rel)), Now: now, Actions: actionsFor(p, o, rel)}
		visible = append(visible, o.ID)
		if policy.Order(p, policy.ViewResponsePhoto, rel) == nil {
			withResponses = append(withResponses, o.ID)
		}
	}
	events, err := s.d.Store.EventsOf(ctx, visible)
	if err != nil {
		return nil, err
	}
	for _, id := range visible {
		d := out[id]
		d.Events = append([]Event{}, events[id]...)
		out[id] = d
	}
	if err := s.withResponses(ctx, out, withResponses); err != nil {
		return nil, err
	}
	return out, nil
}

// withResponses fills in the responses of orderIDs with their photos and
// which announced photos are still missing: a query for the responses and
// one for their photos, however many orders (Get passes one).
func (s *Service) withResponses(ctx context.Context, out map[string]Detail, orderIDs []string) error {
	if len(orderIDs) == 0 {
		return nil
	}
	resps, err := s.d.Store.ResponsesOf(ctx, orderIDs)
	if err != nil {
		return err
	}
	var byParent map[string][]photos.Photo
	if s.d.Photos != nil {
		var respIDs []string
		for _, rs := range resps {
			for _, r := range rs {
				respIDs = append(respIDs, r.ID)
			}
		}
		if byParent, err = s.d.Photos.ListByParents(ctx, respIDs); err != nil {
			return err
		}
	}
	for _, id := range orderIDs {
		d := out[id]
		d.Responses = append([]Response{}, resps[id]...)
		for i := range d.Responses {
			r := &d.Responses[i]
			if s.d.Photos == nil {
				r.MissingPhotoIDs = r.PhotoIDs
				continue
			}
			r.Photos = append([]photos.Photo{}, byParent[r.ID]...)
			stored := make([]string, len(r.Photos))
			for j, ph := range r.Photos {
				stored[j] = ph.ID
			}
			r.MissingPhotoIDs = missing(r.PhotoIDs, stored)
		}
		out[id] = d
	}
	return nil
}
