# helm test, cross-node check of one network (lib.sh comes first). Runs in each of the two pods of an Indexed Job
# (<job>-0 and <job>-1, spread over two nodes), both attached through the network's own attachment: each has whatever
# address Whereabouts hands a production pod. A pod learns its peer's $INTERFACE address over eth0, from the peer
# itself: it asks <job>-<other index>.<service> (a headless Service of the test) on $DISCOVERY_PORT, and answers the
# same question on that port. No Kubernetes API access. Then each pod listens on $PORT and connects to its peer's
# address: it passes when it sent the peer data and got the peer's answer, and the peer did the same towards it, both
# over $INTERFACE, within $TIMEOUT_SECONDS.
set -u
iface="${INTERFACE:-net1}"
port="${PORT:-7777}"
discovery_port="${DISCOVERY_PORT:-7778}"
limit="${TIMEOUT_SECONDS:-120}"
node="${NODE_NAME:-unknown}"
network="${NETWORK:-network}"
require_tools awk nc sleep date

has_interface "$iface" ||
  fail "the pod on node $node has no interface $iface: Multus did not attach ${ATTACHMENT:-the test attachment} (see the pod's k8s.v1.cni.cncf.io/network-status annotation; a pod that started before Multus was ready on its node never gets it)"

me=$(interface_addresses "$iface" | awk 'NR == 1')
[ -n "$me" ] ||
  fail "$iface on node $node has no IPv4 address: ${ATTACHMENT:-the attachment} attached it but handed out none (see the pod's events for Whereabouts' error, e.g. a full range)"
if [ -n "${RANGE:-}" ] && ! in_cidr "$me" "$RANGE"; then
  fail "$iface on node $node has $me, outside ${ATTACHMENT:-the attachment}'s range $RANGE"
fi

# node-block: each node hands out addresses of its own alias block (NODE_BLOCK_PREFIX long) only.
[ -z "${NODE_BLOCK_PREFIX:-}" ] || echo "node-block: $me lies in the /$NODE_BLOCK_PREFIX block $(int2ip $(( $(ip2int "$me") & (0xFFFFFFFF << (32 - NODE_BLOCK_PREFIX)) & 0xFFFFFFFF )))/$NODE_BLOCK_PREFIX of $RANGE"

# The peer's name: the other index of this Indexed Job, under the test's headless Service (PEER_HOST overrides it).
peer_host="${PEER_HOST:-}"
if [ -z "$peer_host" ]; then
  case "${JOB_COMPLETION_INDEX:-}" in
    0) peer_host="${JOB:-job}-1.${SERVICE:-service}" ;;
    1) peer_host="${JOB:-job}-0.${SERVICE:-service}" ;;
    *) fail "JOB_COMPLETION_INDEX is '${JOB_COMPLETION_INDEX:-}', not 0 or 1: this pod is not one of the two of the chart's Indexed Job" ;;
  esac
fi

echo "network $network: this pod runs on node $node with $iface $me; it asks $peer_host (port $discovery_port, over eth0) for its peer's $iface address, then exchanges data with it over $iface (port $port, up to ${limit}s)"

# This node's alias block of the network, as the DaemonSet's host-network init container recorded it (BLOCKS_DIR, a
# read-only host folder, one file per NIC and range: <master>_<address>_<prefix>): "block <cidr>", "none <master>" or
# "unknown <why>". What the VPC delivers depends on it: an alias IP range is routed to its node only.
my_block="unknown"
record_file="${BLOCKS_DIR:-}/${MASTER:-}_$(printf '%s' "${RANGE:-}" | awk '{ sub("/", "_"); print }')"
if [ -z "${BLOCKS_DIR:-}" ]; then
  my_block_why="tests.reportNodeBlocks is false"
elif [ ! -r "$record_file" ]; then
  my_block_why="no record on node $node: the DaemonSet's write-node-block-config did not run there since tests.reportNodeBlocks was set"
else
  record=$(awk 'NR == 1' "$record_file")
  case "$record" in
    "block "*) my_block=${record#block }; my_block_why="" ;;
    "none "*) my_block_why="node $node has no ${record#none } (a pool without this network)" ;;
    *) my_block_why="write-node-block-config could not read it: ${record#unknown }" ;;
  esac
fi
case "$my_block" in
  */*) echo "node $node has the alias block $my_block of ${RANGE:-the range} on its NIC for network $network" ;;
  *) echo "node $node: its alias block of network $network is unknown ($my_block_why)" ;;
esac

scratch="${SCRATCH_DIR:-/tmp}"
: > "$scratch/listen.err" || fail "cannot write to $scratch (the test needs a small writable scratch folder)"
hello="HELLO network=$network node=$node address=$me"
rm -f "$scratch/done"
deadline=$(( $(date +%s) + limit ))

# A short pause: a fifth of a second where sleep takes fractions (busybox and coreutils do), else a second. Waits count
# naps rather than read the clock at each: a pod that waits costs one process a nap, not two.
nap() { sleep 0.2 2>/dev/null || sleep 1; }
naps_in_limit=$(( limit * 5 ))

# busybox nc closes a connection as soon as its stdin ends, and whatever the peer sends after that is lost (on a busy
# node the peer's line can come a moment late). So neither end lets its stdin end on a timer: each keeps it open until
# the other side's line has arrived (or the check's time is up, or, for a client, a connection error).

# Listener, from the start (the peer may connect as soon as it knows this pod's address): answers every connection
# with this pod's HELLO for as long as the check runs (a peer that retries must still get an answer) and keeps what each
# connection brought in a file of its own, where the check loop looks for the peer's HELLO once it knows the peer.
(
  trap 'kill "$listener" 2>/dev/null; exit 0' TERM
  i=0
  while :; do
    i=$((i + 1))
    got="$scratch/in.$i"
    # A new file each time: the pause never mistakes an earlier connection's line for this one's. It ends with the
    # check at the latest.
    { printf '%s\n' "$hello"; n=0; until [ -s "$got" ] || [ -e "$scratch/done" ] || [ "$n" -ge "$naps_in_limit" ]; do nap; n=$((n + 1)); done; } 2> /dev/null |
      nc -l -p "$port" > "$got" 2>> "$scratch/listen.err" &
    listener=$!
    # An nc that could not listen (port taken) must not spin; its error is reported if the peer never gets through.
    wait "$listener" || sleep 1
  done
) &
loop=$!

# Discovery, over eth0: every connection to $discovery_port gets this pod's line, for as long as the check runs (the
# peer may ask late, or twice). Only this pod's own address leaves it; nothing it receives there is trusted but the
# peer's answer to its own question, which must name this network and an address in the range.
address_line="ADDRESS network=$network node=$node address=$me block=$my_block"
(
  trap 'kill "$answer" 2>/dev/null; exit 0' TERM
  while [ ! -e "$scratch/done" ] && [ "$(date +%s)" -lt "$deadline" ]; do
    printf '%s\n' "$address_line" | nc -l -p "$discovery_port" > /dev/null 2>> "$scratch/discovery.err" &
    answer=$!
    wait "$answer" || sleep 1
  done
) &
answering=$!
trap ': > "$scratch/done"; kill "$loop" "$answering" 2>/dev/null; wait "$loop" "$answering" 2>/dev/null' EXIT

connect=$(( limit < 3 ? limit : 3 ))
peer="" peer_node="" peer_block="unknown" last_error=""
while :; do
  : > "$scratch/address"
  : > "$scratch/address.err"
  # stdin stays open until the answer (or an error) has come, at most ten naps (2 s): busybox nc drops what arrives after.
  { n=0
    while [ "$n" -lt 10 ] && [ ! -s "$scratch/address" ] && [ ! -s "$scratch/address.err" ]; do nap; n=$((n + 1)); done; } 2> /dev/null |
    nc -w "$connect" "$peer_host" "$discovery_port" > "$scratch/address" 2> "$scratch/address.err"
  answer=$(awk -v net="network=$network" '$1 == "ADDRESS" && $2 == net && $3 ~ /^node=./ && $4 ~ /^address=[0-9.]+$/ {
      block = ($5 ~ /^block=[0-9.]+\/[0-9]+$/) ? substr($5, 7) : "unknown"; print substr($3, 6), substr($4, 9), block; exit }' "$scratch/address")
  if [ -n "$answer" ]; then
    set -- $answer
    peer_node=$1 peer=$2 peer_block=$3
    break
  fi
  last_error=$(awk '{ printf "%s%s", sep, $0; sep = " " }' "$scratch/address.err")
  [ -n "$last_error" ] || last_error="no answer (connect timeout or closed)"
  [ "$(date +%s)" -ge "$deadline" ] && break
  sleep 1
done
if [ -z "$peer" ]; then
  fail "could not learn the peer's $iface address: $peer_host did not answer on port $discovery_port over eth0 within ${limit}s (last attempt: $last_error).
  If the other pod of this test is not Running (kubectl get pods -n ${NAMESPACE:-<namespace>} -l batch.kubernetes.io/job-name=${JOB:-<job>} -o wide), it could not be scheduled or attached: see its events (with tests.requireCrossNode it waits for a node of its own).
  Else a NetworkPolicy in namespace ${NAMESPACE:-<namespace>} may block traffic between pods on port $discovery_port."
fi
if [ -n "${RANGE:-}" ] && ! in_cidr "$peer" "$RANGE"; then
  fail "the peer on node $peer_node says its $iface address is $peer, outside the range $RANGE"
fi
echo "peer: $peer_host runs on node $peer_node with $iface $peer"

# where ADDRESS BLOCK: "inside its block B", "OUTSIDE its block B" or "block unknown" (the words PASS and FAIL use).
where() {
  case "$2" in
    */*) if in_cidr "$1" "$2"; then echo "inside its node's block $2"; else echo "OUTSIDE its node's block $2"; fi ;;
    *) echo "its node's block unknown" ;;
  esac
}
mine=$(where "$me" "$my_block")
theirs=$(where "$peer" "$peer_block")
echo "address $me (this pod, node $node): $mine"
echo "address $peer (the peer, node $peer_node): $theirs"
if [ -n "${NODE_BLOCK_PREFIX:-}" ] && [ "$peer_node" != "$node" ] && in_cidr "$peer" "$me/$NODE_BLOCK_PREFIX"; then
  fail "the peer on node $peer_node has $peer, inside this node's block ($me/$NODE_BLOCK_PREFIX): two nodes hand out addresses of one block"
fi

# peer_node FILE: the node named in a HELLO from the peer's address on this network; fails for anything else.
peer_node() {
  awk -v net="network=$network" -v from="address=$peer" \
    '$1 == "HELLO" && $2 == net && $4 == from && $3 ~ /^node=/ { print substr($3, 6); found = 1; exit } END { exit !found }' "$1"
}

# A client keeps its stdin open until the peer's answer or a connection error has come, at most ten naps (2 s): the answer
# is sent the moment the peer accepts, and a connection that got none is simply tried again.
wait_for_reply() {
  n=0
  while [ "$n" -lt 10 ] && [ ! -s "$scratch/reply" ] && [ ! -s "$scratch/connect.err" ]; do nap; n=$((n + 1)); done
}

connect=$(( limit < 3 ? limit : 3 ))
reached="" heard="" last_error=""
while :; do
  if [ -z "$reached" ]; then
    : > "$scratch/reply"
    : > "$scratch/connect.err"
    if { printf '%s\n' "$hello"; wait_for_reply; } 2> /dev/null | nc -w "$connect" "$peer" "$port" > "$scratch/reply" 2> "$scratch/connect.err" &&
       reached=$(peer_node "$scratch/reply"); then
      :
    else
      reached=""
      last_error=$(awk '{ printf "%s%s", sep, $0; sep = " " }' "$scratch/connect.err")
      [ -n "$last_error" ] || last_error="no answer (connect timeout or closed)"
    fi
  fi
  if [ -z "$heard" ]; then
    for got in "$scratch"/in.*; do
      [ -s "$got" ] && heard=$(peer_node "$got") && break
      heard=""
    done
  fi
  [ -n "$reached" ] && [ -n "$heard" ] && break
  [ "$(date +%s)" -ge "$deadline" ] && break
  # Waiting to be reached costs nothing; connecting again waits a second between attempts.
  if [ -n "$reached" ]; then nap; else sleep 1; fi
done

peer_at="${reached:-$heard}"
[ -n "$reached" ] && echo "reached: sent data to $peer over $iface and got the answer of node $reached"
[ -n "$heard" ] && echo "reached by: $peer (node $heard) connected to $me over $iface and sent its data"

# What a failure between two nodes says, from where the two addresses lie.
verdict_of_failure() {
  case "$mine $theirs" in
    *OUTSIDE*) echo "If both pods ran on different nodes: an address outside its node's alias block ($me: $mine; $peer: $theirs) was not delivered on network $network. The VPC routes an alias range to its own node only and drops what a node sends from an address outside its ranges, while Whereabouts hands out addresses of the whole range: use ipam node-block for this network (see docs/deploy.md, 'When the cross-node check fails')." ;;
    *unknown*) echo "If both pods ran on different nodes, traffic between them is dropped on network $network; whether an address lies outside its node's alias block is unknown here ($me: $mine; $peer: $theirs), and such an address is what the VPC does not deliver (see docs/deploy.md, 'When the cross-node check fails')." ;;
    *) echo "Both addresses lie inside their own nodes' alias blocks ($me: $mine; $peer: $theirs), which the VPC routes to those nodes: look for a firewall rule of network $network that drops TCP port $port between the pods, or a NetworkPolicy." ;;
  esac
}

if [ -z "$reached" ] && [ -z "$heard" ]; then
  listen_error=$(awk 'END { print }' "$scratch/listen.err")
  fail "no data exchanged with the peer $peer over $iface within ${limit}s (last attempt: $last_error${listen_error:+; this pod's listener: $listen_error}).
  If the other pod of this test is not Running (kubectl get pods -n ${NAMESPACE:-<namespace>} -l batch.kubernetes.io/job-name=${JOB:-<job>} -o wide), it could not be scheduled or attached: see its events.
  $(verdict_of_failure)"
fi
if [ -z "$reached" ]; then
  fail "traffic flows one way only: $peer (node $heard) reached this pod, but this pod on node $node could not reach $peer within ${limit}s (last attempt: $last_error)"
fi
if [ -z "$heard" ]; then
  listen_error=$(awk 'END { print }' "$scratch/listen.err")
  fail "traffic flows one way only: this pod on node $node reached $peer (node $reached), but $peer never reached $me within ${limit}s${listen_error:+ (this pod's listener: $listen_error)}"
fi

# No need to linger: the peer's HELLO reached this pod over a connection that carried this pod's answer to the peer.
if [ "$peer_at" = "$node" ]; then
  if [ "${REQUIRE_CROSS_NODE:-false}" = "true" ]; then
    fail "both test pods ran on node $node, so traffic between nodes was not checked, and tests.requireCrossNode is true: give the cluster a second schedulable node with room for a small pod"
  fi
  echo "PASS: pods on one node exchange data over $iface both ways ($me and $peer, node $node)."
  echo "NOTICE: traffic between nodes was NOT checked: both test pods ran on node $node (the cluster has a single schedulable node, or no other node had room). Run the test again with two nodes to check it."
  exit 0
fi
# What the PASS proves, and no more: these two addresses, on these two nodes (not every address of the range), placed
# inside or outside their nodes' alias blocks as said.
case "$mine $theirs" in
  *OUTSIDE*) proven="an address outside its node's alias block is delivered between nodes on this network" ;;
  *unknown*) proven="whether an address outside its node's alias block is delivered stays open: the blocks are not all known" ;;
  *) proven="addresses inside their nodes' alias blocks are delivered between nodes"
     # Whereabouts hands out addresses of the whole range: those outside a node's block are the open question.
     [ "${IPAM:-whereabouts}" = "whereabouts" ] && proven="$proven; whether an address outside its node's block is (Whereabouts hands such addresses out) was not tested, as both lay inside: run the test again when the range's lowest free addresses lie in one node's block" ;;
esac
echo "PASS: data flows both ways over $iface between node $node ($me, $mine) and node $peer_at ($peer, $theirs) on network $network: $proven. This proves these two addresses on these two nodes, not every address of the range."
