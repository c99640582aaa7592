#!/usr/bin/env bash
# Writes a benchmark config into DIR: the gateway on GW_PORT (admin ADMIN_PORT) and bare YARP sharing one
# ReverseProxy section (route "orders" + 100 filler routes to UPSTREAM_PORT), the dev issuer with its key in DIR/.dev,
# and a policy of RULES rules (default 1,000) spread over those routes, with an allow for the load identities on
# /orders/** and a deny for /orders/admin/**.
# usage: make-bench-config.sh DIR [GW_PORT] [ADMIN_PORT] [UPSTREAM_PORT] [RULES]
set -euo pipefail
dir=$1; gw=${2:-18080}; admin=${3:-18090}; up=${4:-18081}; rules=${5:-1000}
mkdir -p "$dir/policies"

routes='"orders": { "ClusterId": "up", "Match": { "Path": "/orders/{**rest}" }, "Metadata": { "zone": "prod" } }'
for i in $(seq 0 99); do
  routes+=", \"svc$i\": { \"ClusterId\": \"up\", \"Match\": { \"Path\": \"/svc$i/{**rest}\" } }"
done

cat > "$dir/gateway.json" <<JSON
{
  "Gateway": {
    "Listen": { "Public": "http://127.0.0.1:$gw", "Admin": "http://127.0.0.1:$admin" },
    "DevIssuer": { "Enabled": true, "KeyDirectory": ".dev", "Issuer": "https://dev-issuer.gateway.local", "Audience": "gateway" },
    "Issuers": [ {
      "Name": "dev", "Issuer": "https://dev-issuer.gateway.local", "Audiences": [ "gateway" ],
      "JwksFile": ".dev/jwks.json", "Algorithms": [ "ES256" ], "RequiredClaims": [ "jti" ],
      "TrustDomains": [ "demo.local" ], "MaxTokenLifetime": "01:00:00"
    } ],
    "Policies": [ "policies/bench.yaml" ],
    "Audit": { "Sink": "file", "Path": "audit.log", "Capacity": 100000, "FullMode": "drop" },
    "Observability": { "ServerTiming": true }
  },
  "ReverseProxy": {
    "Routes": { $routes },
    "Clusters": { "up": { "Destinations": { "d1": { "Address": "http://127.0.0.1:$up/" } } } }
  }
}
JSON

{
  echo "version: 1"
  echo "rules:"
  echo "  - id: load-reads-orders"
  echo "    effect: allow"
  echo "    match: { routes: [orders], methods: [GET], paths: [\"/orders/**\"] }"
  echo "    when: { spiffe_ids: [\"spiffe://demo.local/ns/load/sa/*\"], claims: [ { name: scope, contains: orders.read } ] }"
  echo "  - id: no-admin"
  echo "    effect: deny"
  echo "    match: { paths: [\"/orders/admin/**\"] }"
  for i in $(seq 2 $((rules - 1))); do
    r=$((i % 100)); ns=$((i % 50))
    if (( i % 10 == 9 )); then
      echo "  - { id: r$i, effect: deny, match: { routes: [svc$r], paths: [\"/svc$r/admin/**\"] }, when: { spiffe_ids: [\"spiffe://demo.local/ns/ns$ns/sa/*\"] } }"
    else
      echo "  - { id: r$i, effect: allow, match: { routes: [svc$r], methods: [GET, POST], paths: [\"/svc$r/items/{id}\"] }, when: { spiffe_ids: [\"spiffe://demo.local/ns/ns$ns/sa/*\"] } }"
    fi
  done
} > "$dir/policies/bench.yaml"
