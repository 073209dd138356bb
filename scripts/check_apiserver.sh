#!/bin/sh
# Health check for the kube-apiserver, as in the kubeadm HA guide
# ("ha-considerations", keepalived's vrrp_script check_apiserver), usable
# unchanged as a vipd exec check or a keepalived vrrp_script.
#
# Succeeds when the local apiserver answers HTTPS on its port and, on the
# node that holds the VIP, when it answers through the VIP as well.
#   APISERVER_VIP        the virtual IP (the VIP part is skipped when unset)
#   APISERVER_DEST_PORT  the apiserver port (default 6443)

APISERVER_DEST_PORT=${APISERVER_DEST_PORT:-6443}

errorExit() {
	echo "*** $*" 1>&2
	exit 1
}

curl --silent --max-time 2 --insecure "https://localhost:${APISERVER_DEST_PORT}/" -o /dev/null ||
	errorExit "Error GET https://localhost:${APISERVER_DEST_PORT}/"

case "${APISERVER_VIP}" in
*:*) VIP_HOST="[${APISERVER_VIP}]" ;; # IPv6 in a URL
*) VIP_HOST="${APISERVER_VIP}" ;;
esac

if [ -n "${APISERVER_VIP}" ] && ip addr | grep -qwF "${APISERVER_VIP}"; then
	curl --silent --max-time 2 --insecure "https://${VIP_HOST}:${APISERVER_DEST_PORT}/" -o /dev/null ||
		errorExit "Error GET https://${VIP_HOST}:${APISERVER_DEST_PORT}/"
fi
