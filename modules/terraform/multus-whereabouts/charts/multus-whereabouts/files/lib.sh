# Shared by the helm test scripts (prepended to each): IPv4 arithmetic and the IPv4 addresses of an interface,
# with nothing but sh and awk, so any small image will do. `ip` is used when the image has it, else /proc.

# fail MESSAGE: the test's verdict, and its exit status.
fail() {
  echo "FAIL: $*"
  exit 1
}

# require_tools TOOL...: the image must have every tool this check runs; say which one is missing, and where to change it.
require_tools() {
  tools=$(printf '%s, ' "$@")
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 ||
      fail "the test image ${TEST_IMAGE:-} has no '$tool', which this check needs: set the chart value ${IMAGE_VALUE:-tests.image} to an image with sh, ${tools%, } (a busybox-based image has them all)"
  done
}

ip2int() {
  old_ifs=$IFS; IFS=.; set -- $1; IFS=$old_ifs
  echo $(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 ))
}

int2ip() {
  echo "$(( ($1 >> 24) & 255 )).$(( ($1 >> 16) & 255 )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"
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

# has_interface NAME
has_interface() {
  awk -v want="$1" -F: 'NR > 2 { name = $1; gsub(/ /, "", name); if (name == want) found = 1 } END { exit !found }' /proc/net/dev
}

# interface_addresses NAME: its IPv4 addresses, one per line.
interface_addresses() {
  if command -v ip >/dev/null 2>&1; then
    ip -4 -o addr show dev "$1" | awk '{ split($4, a, "/"); print a[1] }'
    return
  fi
  # Local addresses (fib_trie "/32 host LOCAL"), kept when they fall in a subnet routed on the interface.
  locals=$(awk '/\|--/ { a = $2 } /\/32 host LOCAL/ { print a }' /proc/net/fib_trie | awk '!seen[$0]++')
  routes=$(awk -v i="$1" '$1 == i && $3 == "00000000" && $8 != "00000000" { print $2, $8 }' /proc/net/route)
  for a in $locals; do
    echo "$routes" | while read -r dest mask; do
      [ -n "$dest" ] || continue
      if [ $(( $(ip2int "$a") & $(hex2int "$mask") )) -eq "$(hex2int "$dest")" ]; then echo "$a"; fi
    done
  done | awk '!seen[$0]++'
}

