// Command barehub is the floor for Hexcrawl's fan-out benchmark: melody and nothing else. Every
// text frame any client sends is broadcast to all clients, with no validation, no storage and
// no per-player filtering. hexload measures it and the real hub the same way.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/olahol/melody"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7800", "address to listen on")
	flag.Parse()
	m := melody.New()
	m.Config.MaxMessageSize = 1 << 20
	m.Config.MessageBufferSize = 1024
	m.HandleConnect(func(s *melody.Session) { _ = s.Write([]byte(`{"type":"session:state"}`)) })
	m.HandleMessage(func(_ *melody.Session, msg []byte) { _ = m.Broadcast(msg) })
	http.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) { _ = m.HandleRequest(w, r) })
	log.Fatal(http.ListenAndServe(*addr, nil))
}
