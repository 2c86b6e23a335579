# helm test, inside a pod attached to one network (lib.sh comes first). Passes when Multus gave the pod the
# interface $INTERFACE with an IPv4 address inside $RANGE, outside every CIDR in $EXCLUDE (the network's own
# exclusions and the two addresses reserved for the cross-node test) and, when set, between $RANGE_START and $RANGE_END.
set -u
iface="${INTERFACE:-net1}"
require_tools awk

has_interface "$iface" ||
  fail "the pod on node ${NODE_NAME:-?} has no interface $iface: Multus did not attach ${ATTACHMENT:-the network} (see the pod's k8s.v1.cni.cncf.io/network-status annotation; a pod that started before Multus was ready on its node never gets it)"

addresses=$(interface_addresses "$iface")
[ -n "$addresses" ] || fail "$iface has no IPv4 address: Whereabouts did not allocate one from $RANGE"

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
  [ $status -eq 0 ] && echo "PASS: $iface has $a, inside $RANGE (node ${NODE_NAME:-?})"
done
exit $status
