// The peer of bench/chat-fanout.sh: a broadcast chat server on gorilla/websocket in the library's canonical
// hub-and-client shape (github.com/gorilla/websocket/examples/chat): a hub goroutine per room owns the set of
// clients; each connection has a reader and a writer goroutine and a bounded send channel; a client whose channel
// is full is dropped; the writer drains everything queued into one frame, newline-separated.
// It speaks enough of Tether's chat protocol for the same load generator: /ws/chat/{room}?name=…, a welcome and
// an empty history frame on connect, and each {"type":"message","text":…} broadcast once encoded as Tether's
// message object (id, room, from, text, ts). No Redis, no presence: it is the fan-out yardstick.
//
// Build (offline, Debian's packages): GO111MODULE=off GOPATH=/usr/share/gocode go build -o go-chat .
// Run: ./go-chat -addr 127.0.0.1:PORT
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	writeWait      = 10 * time.Second
	pongWait       = 60 * time.Second
	pingPeriod     = (pongWait * 9) / 10
	maxMessageSize = 16640
	sendBuffer     = 256 // the same bound as Tether's outbox (tether.chat.outbox-messages)
)

var (
	newline   = []byte{'\n'}
	upgrader  = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}
	evictions atomic.Int64
)

type inbound struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type outbound struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Room string `json:"room"`
	From string `json:"from"`
	Text string `json:"text"`
	TS   int64  `json:"ts"`
}

type message struct {
	from string
	text string
}

// Hub maintains the set of active clients of one room and broadcasts messages to them.
type Hub struct {
	room       string
	clients    map[*Client]bool
	broadcast  chan message
	register   chan *Client
	unregister chan *Client
	seq        int64
}

func newHub(room string) *Hub {
	return &Hub{room: room, clients: make(map[*Client]bool), broadcast: make(chan message, 1024),
		register: make(chan *Client), unregister: make(chan *Client)}
}

func (h *Hub) run() {
	for {
		select {
		case client := <-h.register:
			h.clients[client] = true
		case client := <-h.unregister:
			if _, ok := h.clients[client]; ok {
				delete(h.clients, client)
				close(client.send)
			}
		case m := <-h.broadcast:
			now := time.Now().UnixMilli()
			h.seq++
			frame, _ := json.Marshal(outbound{Type: "message", ID: strconv.FormatInt(now, 10) + "-" + strconv.FormatInt(h.seq, 10),
				Room: h.room, From: m.from, Text: m.text, TS: now}) // encoded once for every receiver
			for client := range h.clients {
				select {
				case client.send <- frame:
				default:
					close(client.send)
					delete(h.clients, client)
					evictions.Add(1)
				}
			}
		}
	}
}

// Client is a middleman between the websocket connection and the hub.
type Client struct {
	hub  *Hub
	conn *websocket.Conn
	name string
	send chan []byte
}

func (c *Client) readPump() {
	defer func() {
		c.hub.unregister <- c
		c.conn.Close()
	}()
	c.conn.SetReadLimit(maxMessageSize)
	c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error { c.conn.SetReadDeadline(time.Now().Add(pongWait)); return nil })
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			break
		}
		var in inbound
		if json.Unmarshal(bytes.TrimSpace(data), &in) != nil || (in.Type != "" && in.Type != "message") {
			continue
		}
		c.hub.broadcast <- message{from: c.name, text: in.Text}
	}
}

func (c *Client) writePump() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case frame, ok := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if !ok {
				c.conn.WriteMessage(websocket.CloseMessage, []byte{})
				return
			}
			w, err := c.conn.NextWriter(websocket.TextMessage)
			if err != nil {
				return
			}
			w.Write(frame)
			// Add queued chat messages to the current websocket message.
			n := len(c.send)
			for i := 0; i < n; i++ {
				w.Write(newline)
				w.Write(<-c.send)
			}
			if err := w.Close(); err != nil {
				return
			}
		case <-ticker.C:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}

type hubs struct {
	mu    sync.Mutex
	rooms map[string]*Hub
}

func (h *hubs) get(room string) *Hub {
	h.mu.Lock()
	defer h.mu.Unlock()
	hub, ok := h.rooms[room]
	if !ok {
		hub = newHub(room)
		h.rooms[room] = hub
		go hub.run()
	}
	return hub
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to serve on (loopback)")
	flag.Parse()
	all := &hubs{rooms: make(map[string]*Hub)}
	http.HandleFunc("/ws/chat/", func(w http.ResponseWriter, r *http.Request) {
		room := strings.TrimPrefix(r.URL.Path, "/ws/chat/")
		name := r.URL.Query().Get("name")
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		hub := all.get(room)
		client := &Client{hub: hub, conn: conn, name: name, send: make(chan []byte, sendBuffer)}
		welcome, _ := json.Marshal(map[string]string{"type": "welcome", "name": name, "room": room})
		client.send <- welcome
		client.send <- []byte(`{"type":"history","messages":[]}`)
		hub.register <- client
		go client.writePump()
		go client.readPump()
	})
	http.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"evictions":` + strconv.FormatInt(evictions.Load(), 10) + "}"))
	})
	log.Printf("go-chat on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
