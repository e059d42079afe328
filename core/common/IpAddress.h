#pragma once

// IP addresses and networks read as Python's `ipaddress` module reads them (3.11): dstack checks
// a fleet host's `internal_ip` with ip_address() and `ssh_config.network` with
// ip_network(strict=False), so a fleet file Gantry accepts is one dstack accepts, and the
// reverse. That is stricter than the C library and QHostAddress in places and looser in one:
// - an IPv4 address is exactly four decimal octets, none with a leading zero ("10.1" and
//   "010.0.0.1" are not addresses);
// - IPv6 is RFC 4291 text, with an IPv4 tail ("::ffff:10.0.0.1") and a "%scope" allowed;
// - a network is an address with an optional "/prefix" (decimal, 0–32 or 0–128) or, for IPv4
//   only, "/netmask" or "/hostmask" ("10.0.0.0/255.255.255.0", "10.0.0.0/0.0.0.255"); host bits
//   are cleared.

#include <QStringView>

#include <array>
#include <optional>

namespace gantry {

struct IpAddress {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{}; // network order; an IPv4 address uses the first 4

    int bitCount() const { return v6 ? 128 : 32; }
    // 127.0.0.0/8, ::1, and an IPv4-mapped IPv6 address of the former.
    bool isLoopback() const;
    // `ipaddress`'s is_private: the IANA special-purpose ranges it lists (an IPv4-mapped IPv6
    // address is judged as its IPv4 address).
    bool isPrivate() const;
};

struct IpNetwork {
    IpAddress address; // the network's first address (host bits cleared)
    int prefix = 0;

    // `ipaddress`'s is_private for a network: its first and last address both lie in one of the
    // private ranges.
    bool isPrivate() const;
};

std::optional<IpAddress> parseIpAddress(QStringView text);
std::optional<IpNetwork> parseIpNetwork(QStringView text);

} // namespace gantry
