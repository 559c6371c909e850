import { Hono } from 'hono'
import { db } from 'sandbox'

// Port this Go handler to Hono routes. The clients must not notice: same statuses, headers
// and bodies. settings(key TEXT PRIMARY KEY, value TEXT NOT NULL)
//
// // mux.HandleFunc("/settings/", settingsHandler)
// func settingsHandler(w http.ResponseWriter, r *http.Request) {
//     key := strings.TrimPrefix(r.URL.Path, "/settings/")
//     w.Header().Set("Content-Type", "application/json")
//     w.Header().Set("Cache-Control", "no-store")
//
//     switch r.Method {
//     case http.MethodGet:
//         var value string
//         err := db.QueryRow("SELECT value FROM settings WHERE key = ?", key).Scan(&value)
//         if errors.Is(err, sql.ErrNoRows) {
//             w.WriteHeader(http.StatusNotFound)
//             json.NewEncoder(w).Encode(map[string]string{"error": "no setting " + key})
//             return
//         }
//         json.NewEncoder(w).Encode(map[string]string{"key": key, "value": value})
//
//     case http.MethodPut:
//         var body struct {
//             Value *string `json:"value"`
//         }
//         if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Value == nil {
//             w.WriteHeader(http.StatusBadRequest)
//             json.NewEncoder(w).Encode(map[string]string{"error": `body must be {"value": "..."}`})
//             return
//         }
//         res, _ := db.Exec("UPDATE settings SET value = ? WHERE key = ?", *body.Value, key)
//         if n, _ := res.RowsAffected(); n == 0 {
//             db.Exec("INSERT INTO settings (key, value) VALUES (?, ?)", key, *body.Value)
//             w.Header().Set("Location", "/settings/"+key)
//             w.WriteHeader(http.StatusCreated)
//         }
//         json.NewEncoder(w).Encode(map[string]string{"key": key, "value": *body.Value})
//
//     case http.MethodDelete:
//         res, _ := db.Exec("DELETE FROM settings WHERE key = ?", key)
//         if n, _ := res.RowsAffected(); n == 0 {
//             w.WriteHeader(http.StatusNotFound)
//             json.NewEncoder(w).Encode(map[string]string{"error": "no setting " + key})
//             return
//         }
//         w.WriteHeader(http.StatusNoContent)
//
//     default:
//         w.Header().Set("Allow", "GET, PUT, DELETE")
//         w.WriteHeader(http.StatusMethodNotAllowed)
//         json.NewEncoder(w).Encode(map[string]string{"error": "method not allowed"})
//     }
// }
const app = new Hono()

// case http.MethodGet, already ported. No WriteHeader in Go means 200, and so does c.json(body).
app.get('/settings/:key', (c) => {
  const key = c.req.param('key')
  c.header('Cache-Control', 'no-store') // Go sets it once for every method; here only GET does so far
  const row = db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key])
  if (!row) return c.json({ error: `no setting ${key}` }, 404)
  return c.json({ key, value: row.value })
})

// Still to port: case http.MethodPut, case http.MethodDelete and the default case.

export default app
