# Writes, on this node, the CNI configuration of every network whose addresses come from the node's own alias block
# (ipam node-block; lib.sh comes first), and records the node's block of each network for the cross-node test
# (RECORD_DIR, a host folder the test pods read: "block <cidr>", "none <master>" or "unknown <why>"). Runs as an init
# container of the Multus DaemonSet, on the host network, before 00-multus.conf is written: no pod attaches to such a
# network before its file exists, and a failure here leaves the node on GKE's own CNI. A node without the network's NIC
# (a pool without it) is skipped.
#
# - The block: the alias range GKE gave this node's NIC eth<k> in the network's pod range. A host-network pod reaches
#   the Compute Engine metadata server, not the GKE metadata server (GKE: "requests from Pods running on the host
#   network [are routed] to the Compute Engine metadata server"), whose instance/network-interfaces/<k>/ entry lists
#   the NIC's alias ranges as "ipAliases" (recursive JSON; GoogleCloudPlatform/guest-agent metadata.go IPAliases).
# - The file: a NetworkAttachmentDefinition without spec.config makes Multus load, from its confDir, the CNI
#   configuration whose "name" is the attachment's name (multus-cni v4.2.1 docs/how-to-use.md; NAD client
#   GetCNIConfigFromFile: .conf, .json or .conflist files). Named 99-…, it sorts after 00-multus.conf, which stays the
#   runtime's default network.
# - The addresses: host-local (what GKE's own L3 networks use over a node's block), handing out only the block's
#   addresses (rangeStart..rangeEnd: all but its first and last) with the prefix of the whole range, so a pod reaches
#   every pod of the network on-link, as with Whereabouts, and the VPC delivers each address to the node that owns it.
#   host-local keeps the range's first address as the gateway and never hands it out; its state lives on the node
#   (/var/lib/cni/networks/<name>), and goes with the node.
set -eu
url="${METADATA_URL:-http://169.254.169.254/computeMetadata/v1}"
conf_dir="${CONF_DIR:-/host/etc/cni/net.d}"
node="${NODE_NAME:-this node}"
require_tools awk wget mv timeout

record_dir="${RECORD_DIR:-}"
# NETWORKS: one "name master mode range ipam" line per network whose block this node must know: node-block networks
# (their CNI file; a failure fails this init container, so Multus never becomes the default without it) and, with
# tests.reportNodeBlocks, whereabouts networks (only recorded, for the cross-node test: a failure is logged and the
# node goes on, the guide's mode gains no way to fail).
printf '%s\n' "${NETWORKS:-}" | while read -r name master mode range ipam; do
  [ -n "$name" ] || continue
  # problem MESSAGE: fatal for a node-block network, a logged gap for a recorded one.
  problem() {
    [ "$ipam" = "node-block" ] && fail "network $name: $*"
    echo "network $name: the node's block is not recorded ($*): the cross-node test will say it is unknown"
    record "unknown $*"
  }
  # record CONTENT: what the cross-node test reads on this node, one file per NIC and range (two attachments of one
  # range share it, whatever their names); one rename, never half a file.
  record() {
    [ -n "$record_dir" ] || return 0
    key="${master}_${range%/*}_${range#*/}"
    printf '%s\n' "$1" > "$record_dir/$key.tmp"
    mv "$record_dir/$key.tmp" "$record_dir/$key"
  }
  k=${master#eth}
  case "$k" in ''|*[!0-9]*) problem "master '$master' is not eth<k>: cannot tell which NIC's alias ranges to read"; continue ;; esac
  # timeout around wget rather than wget -T: Debian's busybox 1.35 wget crashed on -T.
  # The NICs of this node, one "<index>/" a line: a pool without this network's NIC is not an error.
  if ! nics=$(timeout 10 wget -q -O - --header 'Metadata-Flavor: Google' "$url/instance/network-interfaces/"); then
    problem "the metadata server did not answer ($url/instance/network-interfaces/): this init container must run on the host network"
    continue
  fi
  if ! printf '%s\n' "$nics" | awk -v want="$k/" '$1 == want { found = 1 } END { exit !found }'; then
    echo "network $name: node $node has no $master (a node pool without this network): skipped, no pod here can attach to it"
    record "none $master"
    continue
  fi
  if ! json=$(timeout 10 wget -q -O - --header 'Metadata-Flavor: Google' "$url/instance/network-interfaces/$k/?recursive=true&alt=json"); then
    problem "the metadata server did not answer for NIC $k ($url/instance/network-interfaces/$k/): this init container must run on the host network"
    continue
  fi
  # "ipAliases":["172.16.1.16/28", …] -> one CIDR a line.
  aliases=$(printf '%s' "$json" | awk '{ if (match($0, /"ipAliases"[ \t]*:[ \t]*\[[^]]*\]/)) { s = substr($0, RSTART, RLENGTH); gsub(/"ipAliases"[ \t]*:[ \t]*\[|\]|"|[ \t]/, "", s); n = split(s, a, ","); for (i = 1; i <= n; i++) if (a[i] != "") print a[i] } }')
  block=""
  for alias in $aliases; do
    # The alias range inside the network's pod range is this node's block of it.
    if in_cidr "${alias%/*}" "$range" && [ "${alias#*/}" -ge "${range#*/}" ]; then block=$alias; break; fi
  done
  if [ -z "$block" ]; then
    problem "$master of node $node has no alias range inside $range (its alias ranges: ${aliases:-none}): is the node pool's additional pod network this network's pod range?"
    continue
  fi
  record "block $block"
  if [ "$ipam" != "node-block" ]; then
    echo "network $name: node $node has the block $block of $range on $master (recorded for the cross-node test)"
    continue
  fi
  base=$(ip2int "${block%/*}")
  size=$(( 1 << (32 - ${block#*/}) ))
  first=$(int2ip $(( base + 1 ))) last=$(int2ip $(( base + size - 2 )))
  file="$conf_dir/99-node-block-$name.conf"
  printf '{"cniVersion":"0.3.1","name":"%s","type":"ipvlan","master":"%s","mode":"%s","ipam":{"type":"host-local","ranges":[[{"subnet":"%s","rangeStart":"%s","rangeEnd":"%s"}]]}}\n' \
    "$name" "$master" "$mode" "$range" "$first" "$last" > "$file.tmp"
  # One rename: Multus never reads half a file.
  mv "$file.tmp" "$file"
  echo "network $name: node $node hands out $first to $last (its block $block of $range) on $master ($file)"
done
