package hub

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
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
	var zipped gzipCache
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
			if zipped.serve(w, r, ui, name) {
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}

func serveIndex(w http.ResponseWriter, r *http.Request, ui fs.FS) {
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, ui, "index.html")
}

// gzipCache keeps a gzip copy of each script and style sheet, made on its first request: the
// player view is ~390 KB of JavaScript, ~120 KB gzipped, and phones at the table share one
// Wi-Fi. The files are embedded, so a copy never goes stale.
type gzipCache struct {
	files sync.Map // name → *gzipped
}

type gzipped struct {
	once sync.Once
	data []byte // nil: serve the file as it is
}

// compressible lists the asset types worth compressing (images and fonts already are).
var compressible = map[string]bool{".js": true, ".css": true, ".svg": true, ".json": true, ".map": true}

// serve writes the gzip copy of name when the client accepts it, and reports whether it did.
func (c *gzipCache) serve(w http.ResponseWriter, r *http.Request, ui fs.FS, name string) bool {
	ext := path.Ext(name)
	if !compressible[ext] {
		return false
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		return false
	}
	v, _ := c.files.LoadOrStore(name, &gzipped{})
	g := v.(*gzipped)
	g.once.Do(func() { g.data = gzipFile(ui, name) })
	if g.data == nil {
		return false
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(ext))
	w.Header().Set("Content-Encoding", "gzip")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(g.data))
	return true
}

// gzipFile compresses one embedded file, or returns nil if it cannot or it would not shrink.
func gzipFile(ui fs.FS, name string) []byte {
	raw, err := fs.ReadFile(ui, name)
	if err != nil || len(raw) < 1024 {
		return nil
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(raw); err != nil || zw.Close() != nil || buf.Len() >= len(raw) {
		return nil
	}
	return buf.Bytes()
}
