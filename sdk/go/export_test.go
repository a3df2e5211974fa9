package cloudbooks

import "time"

// MakeTokenDue makes the client's own clock say its access token is due for renewal (the
// server still accepts it), so tests reach the renewal-before-expiry path without waiting
// 15 minutes.
func MakeTokenDue(c *Client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != nil {
		due := *c.session
		due.refreshAt = time.Now().Add(-time.Second)
		c.session = &due
	}
}
