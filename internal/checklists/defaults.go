package checklists

// Defaults returns version 1 of every type, from DOMAIN.md's standard
// checklists. A county edits them through the API, which makes version 2 and
// up; these stay as v1 forever because old checks reference them.
//
// Limits chosen where DOMAIN.md gives none:
//   - slump 10–50 mm: village roads are placed with small machines and
//     vibrating beams, for which pavement practice (JTG/T F30) asks a stiff
//     mix; the defect volunteers look for is water added on site, which shows
//     as a high slump, so the upper bound matters most.
//   - thickness ≥ 18 cm and width ≥ 3.5 m: the lower ends of the common
//     village-road design (18–20 cm; 3.5 m single lane). Thicker or wider is
//     never a defect, so there is no maximum.
//   - strength grade: C30 and up pass; C20/C25 on a delivery note fails,
//     since pavement concrete below C30 does not reach the flexural strength
//     the designs assume.
func Defaults() []Template {
	yes := func(key, label string) Item {
		return Item{Key: key, Label: label, Type: ItemYesNo, Required: true, PassWhen: true}
	}
	photo := func(key, label string) Item {
		return Item{Key: key, Label: label, Type: ItemPhoto, Required: true}
	}
	return []Template{
		{Type: TypeSignage, Version: 1, Title: `Signage — "three ones"`, Items: []Item{
			yes("banner", "Programme banner present"),
			photo("banner_photo", "Photo of the banner"),
			yes("sign_board", "Project sign board present"),
			photo("sign_board_photo", "Photo of the sign board"),
			yes("notice_board", "Public notice board present (project, budget, contractor, supervisor, hotline)"),
			photo("notice_board_photo", "Photo of the notice board"),
		}},
		{Type: TypeConcreteMix, Version: 1, Title: "Concrete mix (village concrete road)", Items: []Item{
			yes("mix_matches_design", "Mix proportions (cement : sand : aggregate : water) match the approved design"),
			{Key: "slump_mm", Label: "Slump", Type: ItemNumber, Required: true, Unit: "mm", Min: ptr(10), Max: ptr(50)},
			{Key: "thickness_cm", Label: "Pavement thickness", Type: ItemNumber, Required: true, Unit: "cm", Min: ptr(18)},
			{Key: "width_m", Label: "Pavement width", Type: ItemNumber, Required: true, Unit: "m", Min: ptr(3.5)},
			{Key: "strength_grade", Label: "Strength grade on the delivery note", Type: ItemChoice, Required: true,
				Options: []string{"C20", "C25", "C30", "C35"}, FailOptions: []string{"C20", "C25"}},
			yes("curing", "Curing in place"),
			yes("joints_cut", "Joints cut"),
			{Key: "mix_photo", Label: "Photo of the mix or delivery note", Type: ItemPhoto},
		}},
		{Type: TypeSafety, Version: 1, Title: "Site safety", Items: []Item{
			yes("fenced", "Site fenced off"),
			yes("warning_signs", "Warning signs in place"),
			yes("protective_gear", "Workers wear protective gear"),
			// Only meaningful inside a school; optional so other sites leave it out.
			{Key: "pupils_cannot_reach", Label: "No pupils can reach the site (schools)", Type: ItemYesNo, PassWhen: true},
			yes("safe_storage", "Materials stored safely"),
			yes("night_lighting", "Night lighting"),
		}},
		{Type: TypeProgress, Version: 1, Title: "Progress", Items: []Item{
			{Key: "percent_complete", Label: "Work complete", Type: ItemNumber, Required: true, Unit: "%", Min: ptr(0), Max: ptr(100)},
			{Key: "note", Label: "Note", Type: ItemText},
		}},
		{Type: TypePostCompletion, Version: 1, Title: "Post-completion (look-back)", Items: []Item{
			yes("in_use", "In use"),
			yes("functioning", "Functioning (e.g. water flows at the tap)"),
			yes("maintained", "Maintained"),
			yes("keeper_and_rules", "Management rules and a named keeper in place"),
			{Key: "damage_found", Label: "Damage found", Type: ItemYesNo, Required: true, PassWhen: false},
		}},
		{Type: TypeGeneral, Version: 1, Title: "General", Items: []Item{
			{Key: "satisfactory", Label: "Work satisfactory", Type: ItemYesNo, Required: true, PassWhen: true},
			{Key: "observations", Label: "Observations", Type: ItemText},
		}},
		{Type: TypeVerification, Version: 1, Title: "Rectification verification", Items: []Item{
			yes("defect_fixed", "Defect put right"),
			photo("fixed_photo", "Photo of the result"),
		}},
	}
}
