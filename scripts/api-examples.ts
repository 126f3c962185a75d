/**
 * One runnable `curl` example per route of docs/api.md, in the order of the page: run top to
 * bottom against a fresh service they create, fill, search and clean up after themselves.
 * test/integration/docs/api-examples.test.ts runs every one against a live service.
 */

const json = "-H 'content-type: application/json'";
const auth = '-H "Authorization: Bearer $AIDB_KEY"';
const curl = (rest: string): string => `curl -fsS ${auth} ${rest}`;

export const apiExamples: Readonly<Record<string, readonly string[]>> = {
  'GET /v1/collections': [curl('"$AIDB_URL/v1/collections"')],
  'PUT /v1/collections/{name}': [
    curl(`-X PUT ${json} -d '{"description": "team notes"}' "$AIDB_URL/v1/collections/notes"`),
  ],
  'GET /v1/collections/{name}': [curl('"$AIDB_URL/v1/collections/notes"')],
  'DELETE /v1/collections/{name}': [
    curl(`-X PUT ${json} -d '{}' "$AIDB_URL/v1/collections/scratch"`),
    curl('-X DELETE "$AIDB_URL/v1/collections/scratch"'),
  ],
  'POST /v1/collections/{name}/documents': [
    curl(
      `${json} -d '{"documents": [{"id": "tea", "title": "Tea", "content": "Green tea is steeped at 80 degrees for two minutes.", "metadata": {"topic": "kitchen"}}, {"id": "bikes", "content": "Bicycle chains need oil every few hundred kilometres."}]}' "$AIDB_URL/v1/collections/notes/documents"`,
    ),
  ],
  'GET /v1/collections/{name}/documents': [
    curl('"$AIDB_URL/v1/collections/notes/documents?limit=10"'),
  ],
  'GET /v1/collections/{name}/documents/{id}': [
    curl('"$AIDB_URL/v1/collections/notes/documents/tea"'),
  ],
  'DELETE /v1/collections/{name}/documents/{id}': [
    curl('-X DELETE "$AIDB_URL/v1/collections/notes/documents/bikes"'),
  ],
  'POST /v1/collections/{name}/search': [
    curl(
      `${json} -d '{"query": "how long to steep green tea", "limit": 3, "filter": {"topic": "kitchen"}}' "$AIDB_URL/v1/collections/notes/search"`,
    ),
  ],
  'POST /v1/embed': [curl(`${json} -d '{"texts": ["green tea"]}' "$AIDB_URL/v1/embed"`)],
  'GET /v1/admin/snapshot': [curl('-o snapshot.tar "$AIDB_URL/v1/admin/snapshot"')],
  'POST /v1/admin/gc': [curl('-X POST "$AIDB_URL/v1/admin/gc"')],
  'GET /documents': [curl('"$AIDB_URL/documents?limit=5"')],
  'POST /documents': [
    curl(`${json} -d '{"content": "Kettles scale up in hard water."}' "$AIDB_URL/documents"`),
  ],
  'POST /vector/search': [
    curl(`${json} -d '{"query": "hard water", "limit": 3}' "$AIDB_URL/vector/search"`),
  ],
  'POST /vector/embed': [curl(`${json} -d '{"text": "hard water"}' "$AIDB_URL/vector/embed"`)],
  'GET /metrics': [curl('"$AIDB_URL/metrics"')],
  'GET /openapi.json': ['curl -fsS "$AIDB_URL/openapi.json"'],
  'GET /health/live': ['curl -fsS "$AIDB_URL/health/live"'],
  'GET /health/ready': ['curl -fsS "$AIDB_URL/health/ready"'],
  'GET /health/startup': ['curl -fsS "$AIDB_URL/health/startup"'],
  'GET /health/detailed': [curl('"$AIDB_URL/health/detailed"')],
  'GET /health': ['curl -fsS "$AIDB_URL/health"'],
};
