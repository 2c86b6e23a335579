#!/bin/sh
# helm test: run inside a pod attached to one network. Passes when Multus gave the pod the interface
# $INTERFACE with an IPv4 address inside $RANGE, outside every CIDR in $EXCLUDE and, when set, between
# $RANGE_START and $RANGE_END. Needs only sh and awk: `ip` is used when the image has it, else /proc.
set -eu
iface="${INTERFACE:-net1}"

ip2int() {
  old_ifs=$IFS; IFS=.; set -- $1; IFS=$old_ifs
  echo $(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 ))
}
in_cidr() { # address cidr
  bits=${2#*/}
  mask=$(( bits == 0 ? 0 : (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF ))
  [ $(( $(ip2int "$1") & mask )) -eq $(( $(ip2int "${2%/*}") & mask )) ]
}
# /proc/net/route stores addresses as little-endian hex.
hex2int() {
  v=$(( 0x$1 ))
  echo $(( ((v & 0xFF) << 24) | (((v >> 8) & 0xFF) << 16) | (((v >> 16) & 0xFF) << 8) | ((v >> 24) & 0xFF) ))
}

if ! grep -q "^ *$iface:" /proc/net/dev; then
  echo "FAIL: the pod has no interface $iface: Multus did not attach the network (see k8s.v1.cni.cncf.io/network-status)"
  exit 1
fi

addresses=""
if command -v ip >/dev/null 2>&1; then
  addresses=$(ip -4 -o addr show dev "$iface" | awk '{ split($4, a, "/"); print a[1] }')
else
  # Local addresses (fib_trie "/32 host LOCAL"), kept when they fall in a subnet routed on $iface.
  locals=$(awk '/\|--/ { a = $2 } /\/32 host LOCAL/ { print a }' /proc/net/fib_trie | sort -u)
  routes=$(awk -v i="$iface" '$1 == i && $3 == "00000000" && $8 != "00000000" { print $2, $8 }' /proc/net/route)
  addresses=$(for a in $locals; do
    echo "$routes" | while read -r dest mask; do
      [ -n "$dest" ] || continue
      if [ $(( $(ip2int "$a") & $(hex2int "$mask") )) -eq "$(hex2int "$dest")" ]; then echo "$a"; fi
    done
  done | sort -u)
fi

if [ -z "$addresses" ]; then
  echo "FAIL: $iface has no IPv4 address: Whereabouts did not allocate one from $RANGE"
  exit 1
fi

status=0
for a in $addresses; do
  if ! in_cidr "$a" "$RANGE"; then
    echo "FAIL: $iface has $a, outside the network's range $RANGE"; status=1; continue
  fi
  for x in ${EXCLUDE:-}; do
    if in_cidr "$a" "$x"; then echo "FAIL: $iface has $a, inside the excluded range $x"; status=1; fi
  done
  if [ -n "${RANGE_START:-}" ] && [ "$(ip2int "$a")" -lt "$(ip2int "$RANGE_START")" ]; then
    echo "FAIL: $iface has $a, before range start $RANGE_START"; status=1
  fi
  if [ -n "${RANGE_END:-}" ] && [ "$(ip2int "$a")" -gt "$(ip2int "$RANGE_END")" ]; then
    echo "FAIL: $iface has $a, after range end $RANGE_END"; status=1
  fi
  [ $status -eq 0 ] && echo "PASS: $iface has $a, inside $RANGE"
done
exit $status
