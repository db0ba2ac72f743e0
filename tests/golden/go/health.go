// Package health serves the liveness endpoint.
package health

import (
	"encoding/json"
	"net/http"
)

type Status struct {
	OK      bool   `json:"ok"`
	Version string `json:"version"`
}

type Handler struct {
	version string
}

func New(version string) *Handler {
	return &Handler{version: version}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(Status{OK: true, Version: h.version}); err != nil {
		http.Error(w, err.Error(), 500)
	}
}
