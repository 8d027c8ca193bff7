// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tt-spoofping IFNAME DST_MAC SRC_MAC SRC_IP DST_IP: send one ICMP echo
 * request out of IFNAME as a whole Ethernet frame (a packet socket), with
 * the source MAC and IPv4 address given, not the interface's.  What FreeBSD's
 * fibs_test.sh asks of nping(1) ("nping -e IF -S SRC --source-mac MAC
 * --icmp ... DST") in its tap-based arpresolve_checks_interface_fib case.
 */
#include "tt.h"
#include <net/ethernet.h>
#include <netpacket/packet.h>
#include <sys/socket.h>

static int mac(const char *s, uint8_t *m)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2],
		      &m[3], &m[4], &m[5]) == 6 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	uint8_t frame[128];
	size_t len;
	int s;

	if (argc != 6 || mac(argv[2], frame) || mac(argv[3], frame + 6)) {
		fprintf(stderr, "usage: tt-spoofping IFNAME DST_MAC SRC_MAC SRC_IP DST_IP\n");
		return 2;
	}
	frame[12] = 0x08;
	frame[13] = 0x00;
	len = 14 + tt_icmp4_echo(frame + 14, argv[4], argv[5], 0xdead, 1, 2);
	ll.sll_ifindex = (int)if_nametoindex(argv[1]);
	ll.sll_halen = 6;
	memcpy(ll.sll_addr, frame, 6);
	s = socket(AF_PACKET, SOCK_RAW, 0);
	if (!ll.sll_ifindex || s < 0 ||
	    sendto(s, frame, len, 0, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		perror("tt-spoofping");
		return 1;
	}
	return 0;
}
