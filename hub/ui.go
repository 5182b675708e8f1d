package hub

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
)

const uiMissingPage = `<!doctype html><meta charset="utf-8"><title>Hexcrawl</title>
<body style="font-family:system-ui;max-width:40em;margin:3em auto">
<h1>Hexcrawl hub is running</h1>
<p>This binary was built without the web UI. Build it with <code>make build</code>
(or <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>, then <code>go build</code>).</p>`

// uiHandler serves the embedded web app. Paths that are not files get index.html, so /dm and
// /join/CODE load the app, which routes on the client.
func (h *Hub) uiHandler() http.Handler {
	ui := h.cfg.UI
	var files http.Handler
	if ui != nil {
		if _, err := fs.Stat(ui, "index.html"); err != nil {
			ui = nil
		} else {
			files = http.FileServerFS(ui)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		// Join codes travel in /join/CODE: never leak them in a Referer.
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("X-Frame-Options", "DENY")
		if ui == nil {
			hdr.Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(uiMissingPage))
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" || name == "index.html" {
			serveIndex(w, r, ui)
			return
		}
		if st, err := fs.Stat(ui, name); err != nil || st.IsDir() {
			serveIndex(w, r, ui)
			return
		}
		if strings.HasPrefix(name, "assets/") {
			// Vite puts content hashes in these names: cache them for good.
			hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		files.ServeHTTP(w, r)
	})
}

func serveIndex(w http.ResponseWriter, r *http.Request, ui fs.FS) {
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, ui, "index.html")
}
