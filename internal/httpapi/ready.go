package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// ReadyCheck is one dependency /readyz pings.
type ReadyCheck struct {
	Name string
	Ping func(ctx context.Context) error
}

// readyHandler answers 200 only when every dependency answers within two
// seconds, so a load balancer stops sending traffic to a replica whose
// database or object store is gone, and resumes once it is back.
func readyHandler(checks []ReadyCheck) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		results := make(map[string]string, len(checks))
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, chk := range checks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status := "ok"
				if err := chk.Ping(ctx); err != nil {
					status = "unavailable"
				}
				mu.Lock()
				results[chk.Name] = status
				mu.Unlock()
			}()
		}
		wg.Wait()
		code, overall := http.StatusOK, "ok"
		for _, s := range results {
			if s != "ok" {
				code, overall = http.StatusServiceUnavailable, "unavailable"
			}
		}
		c.JSON(code, gin.H{"status": overall, "checks": results})
	}
}
