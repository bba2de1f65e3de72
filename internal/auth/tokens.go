package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/fieldproof/fieldproof/internal/errs"
)

// signingMethod is pinned: the parser accepts nothing else, which is what
// defeats alg=none and algorithm-confusion tokens.
var signingMethod = jwt.SigningMethodHS256

// accessType marks access tokens; refresh tokens are opaque random strings
// kept as hashes, so neither can ever stand in for the other.
const accessType = "access"

// TokenConfig configures token issuing.
type TokenConfig struct {
	Key        []byte
	Issuer     string
	Audience   string
	AccessTTL  time.Duration
	RefreshTTL time.Duration
}

type accessClaims struct {
	jwt.RegisteredClaims
	Type     string `json:"typ"`
	Role     Role   `json:"role"`
	Username string `json:"usr"`
	// Gen is the user's session generation at issue; a token from an older
	// generation is refused (a token without one is generation 0).
	Gen int64 `json:"sgen,omitempty"`
}

// tokens issues and checks access JWTs.
type tokens struct {
	cfg    TokenConfig
	parser *jwt.Parser
}

// accessLeeway absorbs clock skew between replicas; it is what an access
// token outlives its exp by, so keep it short.
const accessLeeway = 30 * time.Second

// newTokens builds the issuer and parser; now is the service's clock, which
// the parser's exp/nbf/iat checks use too, so tests can move it.
func newTokens(cfg TokenConfig, now func() time.Time) (*tokens, error) {
	if len(cfg.Key) < 32 {
		return nil, errors.New("jwt signing key must be at least 32 bytes")
	}
	if cfg.Issuer == "" || cfg.Audience == "" || cfg.AccessTTL <= 0 || cfg.RefreshTTL <= 0 {
		return nil, errors.New("token config needs issuer, audience and both lifetimes")
	}
	return &tokens{cfg: cfg, parser: jwt.NewParser(
		jwt.WithValidMethods([]string{signingMethod.Alg()}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(accessLeeway),
		jwt.WithTimeFunc(now),
	)}, nil
}

func (t *tokens) issueAccess(u User, now time.Time) (string, error) {
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.cfg.Issuer,
			Subject:   u.ID,
			Audience:  jwt.ClaimStrings{t.cfg.Audience},
			ExpiresAt: jwt.NewNumericDate(now.Add(t.cfg.AccessTTL)),
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ID:        uuid.NewString(),
		},
		Type:     accessType,
		Role:     u.Role,
		Username: u.Username,
		Gen:      u.SessionGen,
	}
	s, err := jwt.NewWithClaims(signingMethod, claims).SignedString(t.cfg.Key)
	if err != nil {
		return "", fmt.Errorf("sign access token: %w", err)
	}
	return s, nil
}

// invalidToken is the one answer for every bad token: the client needs to
// log in again, and an attacker learns nothing about why.
func invalidToken(cause error) error {
	return &errs.Error{Kind: errs.KindUnauthenticated, Code: "invalid_token",
		Message: "the access token is invalid or expired", Err: cause}
}

// parseAccess verifies signature, algorithm, exp, iss, aud and type and
// returns the user id and the session generation the token was issued under.
func (t *tokens) parseAccess(s string) (string, int64, error) {
	var claims accessClaims
	tok, err := t.parser.ParseWithClaims(s, &claims, func(*jwt.Token) (any, error) { return t.cfg.Key, nil })
	if err != nil || !tok.Valid {
		return "", 0, invalidToken(err)
	}
	if claims.Type != accessType || claims.Subject == "" {
		return "", 0, invalidToken(errors.New("not an access token"))
	}
	return claims.Subject, claims.Gen, nil
}

// newRefreshSecret returns the opaque token for the client and the hash we
// store. 32 random bytes: guessing is hopeless, so a fast hash is enough.
func newRefreshSecret() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("refresh token: %w", err)
	}
	token = "rt_" + base64.RawURLEncoding.EncodeToString(b)
	return token, hashRefresh(token), nil
}

func hashRefresh(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
