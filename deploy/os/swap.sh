#!/usr/bin/env bash
# OSLRS — a swap file as a safety net against the OOM killer (idempotent: run it as often as you like).
#   sudo deploy/os/swap.sh              2 GB at /swapfile
#   sudo SWAP_MB=4096 deploy/os/swap.sh
set -euo pipefail

SWAPFILE="${SWAPFILE:-/swapfile}"
SWAP_MB="${SWAP_MB:-2048}"

if [ "$(id -u)" -ne 0 ]; then
  echo "swap.sh: run as root" >&2
  exit 1
fi

if swapon --show=NAME --noheadings | grep -qxF "$SWAPFILE"; then
  echo "swap: $SWAPFILE is already on"
else
  if [ ! -f "$SWAPFILE" ]; then
    echo "swap: creating $SWAPFILE (${SWAP_MB} MB)"
    # fallocate is instant; some filesystems (btrfs, some XFS) need dd instead.
    fallocate -l "${SWAP_MB}M" "$SWAPFILE" 2>/dev/null || dd if=/dev/zero of="$SWAPFILE" bs=1M count="$SWAP_MB" status=none
    chmod 600 "$SWAPFILE"
    mkswap "$SWAPFILE" >/dev/null
  fi
  chmod 600 "$SWAPFILE"
  swapon "$SWAPFILE"
  echo "swap: $SWAPFILE on"
fi

if ! grep -qE "^[[:space:]]*${SWAPFILE}[[:space:]]" /etc/fstab; then
  echo "$SWAPFILE none swap sw 0 0" >>/etc/fstab
  echo "swap: added to /etc/fstab"
fi
