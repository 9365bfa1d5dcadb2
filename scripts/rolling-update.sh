#!/usr/bin/env bash
# Rolling update of the Kubernetes Deployments to a new image, one Deployment at a time: the workers first
# (ervc-worker, then ervc-worker-gpu when it exists), the gateway last, each waited for with
# `kubectl rollout status`. If one does not become available in time, it and every Deployment already updated by
# this run are rolled back (`kubectl rollout undo`, newest first) and the script exits non-zero.
# docs/deployment.md describes the procedure.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/rolling-update.sh [options] IMAGE

Updates the Deployments ervc-worker, ervc-worker-gpu (when it exists) and ervc-gateway, in that order, to IMAGE,
one at a time: `kubectl set image`, then `kubectl rollout status --timeout`. Workers go first so that the
gateways, which hold the clients' WebSocket connections, restart only once synthesis runs on the new version;
the gateway goes last and its clients reconnect to pods that are already new. If a rollout fails or times out,
that Deployment and those this run already updated are rolled back with `kubectl rollout undo` (to the revision
they had before), newest first, and the script exits with 1; Deployments not reached are left alone.

How a pod leaves without cutting speech off: Kubernetes runs the pod's preStop hook (a short sleep, so that
endpoints and load balancers stop sending it new connections), then sends SIGTERM. The node then refuses new
requests (WebSocket upgrades and POST /api/v1/tts get 503, open sessions refuse new `synthesize` messages),
/ready answers 503 so the pod leaves the Service, and running streams get up to SHUTDOWN_DRAIN_SECONDS to
finish before their sockets close with 1001; the node then leaves the Hazelcast cluster. Keep the pod's
terminationGracePeriodSeconds above preStop + SHUTDOWN_DRAIN_SECONDS + 30 s. The Deployments' maxUnavailable /
maxSurge and the PodDisruptionBudgets decide how many pods are replaced at once (Hazelcast: one at a time).

Options:
  -n, --namespace NS    namespace (default: $NAMESPACE or ervc)
  --timeout DURATION    `rollout status` timeout per Deployment, e.g. 600s, 15m (default: $ROLLOUT_TIMEOUT or 10m)
  --gpu-image IMAGE     image for ervc-worker-gpu (default: IMAGE)
  --container NAME      container to update in each Deployment (default: the first container of its pod spec)
  --dry-run             read the Deployments (kubectl get only) and print the kubectl commands that would
                        change them, without running those
  -h, --help            show this help

Environment:
  KUBECTL               kubectl binary (default: kubectl); the cluster and context come from KUBECONFIG
  NAMESPACE, ROLLOUT_TIMEOUT   defaults of the options above
EOF
}

die() {
  echo "rolling-update: error: $*" >&2
  exit 1
}

note() {
  echo "rolling-update: $*"
}

kubectl_bin=${KUBECTL:-kubectl}
namespace=${NAMESPACE:-ervc}
timeout=${ROLLOUT_TIMEOUT:-10m}
image=""
gpu_image=""
container=""
dry_run=false

while [ $# -gt 0 ]; do
  case "$1" in
    -n|--namespace) [ $# -ge 2 ] || die "$1 needs a namespace"; namespace=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || die "--timeout needs a duration"; timeout=$2; shift 2 ;;
    --gpu-image) [ $# -ge 2 ] || die "--gpu-image needs an image"; gpu_image=$2; shift 2 ;;
    --container) [ $# -ge 2 ] || die "--container needs a name"; container=$2; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "rolling-update: error: unknown option: $1" >&2; usage >&2; exit 2 ;;
    *)
      [ -z "$image" ] || { echo "rolling-update: error: only one IMAGE, got '$image' and '$1'" >&2; exit 2; }
      image=$1; shift ;;
  esac
done
[ -n "$image" ] || { echo "rolling-update: error: IMAGE missing" >&2; usage >&2; exit 2; }
[ -n "$gpu_image" ] || gpu_image=$image
[ -n "$namespace" ] || die "the namespace may not be empty"
case "$timeout" in
  *[!0-9smh]*|'') die "--timeout must be a duration like 600s, 10m or 1h, got '$timeout'" ;;
esac
command -v "$kubectl_bin" >/dev/null 2>&1 || die "kubectl not found: '$kubectl_bin' (install it or set KUBECTL)"

# Read-only: runs in --dry-run too.
kube_read() {
  "$kubectl_bin" --namespace "$namespace" "$@"
}

# Changes the cluster: printed only in --dry-run.
kube_change() {
  if [ "$dry_run" = true ]; then
    printf '%q ' "$kubectl_bin" --namespace "$namespace" "$@"
    echo
    return 0
  fi
  note "+ kubectl --namespace $namespace $*"
  "$kubectl_bin" --namespace "$namespace" "$@"
}

deployments=$(kube_read get deployments -o name) \
  || die "cannot list the Deployments in namespace '$namespace' (is the cluster reachable, the namespace right?)"
has_deployment() {
  printf '%s\n' "$deployments" | grep -qx -e "deployment.apps/$1" -e "deployment/$1" -e "deployment.extensions/$1"
}
order=()
for d in ervc-worker ervc-worker-gpu ervc-gateway; do
  if has_deployment "$d"; then
    order+=("$d")
  elif [ "$d" = ervc-worker-gpu ]; then
    note "deployment/ervc-worker-gpu not found in namespace $namespace: no GPU pool, skipped"
  else
    die "deployment/$d not found in namespace '$namespace'; nothing was changed"
  fi
done

# Current container, image and revision of each Deployment, before anything changes.
declare -A target_container=() old_image=() old_revision=()
jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}{"\n"}{range .spec.template.spec.containers[*]}{.name}{"="}{.image}{"\n"}{end}'
for d in "${order[@]}"; do
  spec=$(kube_read get "deployment/$d" -o "jsonpath=$jsonpath") || die "cannot read deployment/$d"
  old_revision[$d]=$(printf '%s\n' "$spec" | sed -n 1p)
  containers=$(printf '%s\n' "$spec" | sed -n '2,$p' | grep '=' || true)
  [ -n "$containers" ] || die "deployment/$d has no containers"
  if [ -n "$container" ]; then
    line=$(printf '%s\n' "$containers" | grep -m1 "^$container=" || true)
    [ -n "$line" ] || die "deployment/$d has no container named '$container' (it has: $(printf '%s\n' "$containers" | cut -d= -f1 | paste -sd, -))"
  else
    line=$(printf '%s\n' "$containers" | head -1)
  fi
  target_container[$d]=${line%%=*}
  old_image[$d]=${line#*=}
done

updated=()
rollback() {
  local failed=$1 i d
  note "rolling back: $failed failed; undoing ${#updated[@]} Deployment(s) updated by this run, newest first"
  for ((i = ${#updated[@]} - 1; i >= 0; i--)); do
    d=${updated[$i]}
    if [ -n "${old_revision[$d]}" ]; then
      kube_change rollout undo "deployment/$d" --to-revision="${old_revision[$d]}" \
        || echo "rolling-update: error: rollout undo of deployment/$d failed; roll it back by hand (see docs/deployment.md)" >&2
    else
      kube_change rollout undo "deployment/$d" \
        || echo "rolling-update: error: rollout undo of deployment/$d failed; roll it back by hand (see docs/deployment.md)" >&2
    fi
    kube_change rollout status "deployment/$d" --timeout="$timeout" \
      || echo "rolling-update: error: deployment/$d did not become available after the rollback either" >&2
  done
  die "update to $image failed at deployment/$failed; rolled back: ${updated[*]:-nothing}"
}

[ "$dry_run" = false ] || note "dry run: these commands would run (nothing is changed):"
for d in "${order[@]}"; do
  new=$image
  [ "$d" != ervc-worker-gpu ] || new=$gpu_image
  c=${target_container[$d]}
  if [ "${old_image[$d]}" = "$new" ]; then
    note "deployment/$d already runs $new (container $c), skipped"
    continue
  fi
  note "deployment/$d: container $c ${old_image[$d]} -> $new (revision ${old_revision[$d]:-unknown})"
  if ! kube_change set image "deployment/$d" "$c=$new"; then
    echo "rolling-update: error: kubectl set image failed for deployment/$d" >&2
    rollback "$d"
  fi
  updated+=("$d")
  if ! kube_change rollout status "deployment/$d" --timeout="$timeout"; then
    echo "rolling-update: error: deployment/$d did not roll out within $timeout" >&2
    rollback "$d"
  fi
done
if [ "$dry_run" = true ]; then
  note "dry run: on a failed rollout status, the updated Deployments get 'kubectl rollout undo' (newest first)"
else
  note "done: ${order[*]} run $image$([ "$gpu_image" = "$image" ] || echo " (GPU: $gpu_image)")"
fi
