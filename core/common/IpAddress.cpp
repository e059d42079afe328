#include "core/common/IpAddress.h"

#include <QList>

#include <vector>

namespace gantry {

namespace {

bool isAsciiDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

int hexValue(QChar c)
{
    if (isAsciiDigit(c))
        return c.unicode() - '0';
    if (c >= QLatin1Char('a') && c <= QLatin1Char('f'))
        return c.unicode() - 'a' + 10;
    if (c >= QLatin1Char('A') && c <= QLatin1Char('F'))
        return c.unicode() - 'A' + 10;
    return -1;
}

// Four decimal octets, each 0–255 in at most three digits with no leading zero (`_parse_octet`).
std::optional<std::array<unsigned char, 4>> parseDottedQuad(QStringView text)
{
    const QList<QStringView> octets = text.split(QLatin1Char('.'));
    if (octets.size() != 4)
        return std::nullopt;
    std::array<unsigned char, 4> out{};
    for (int i = 0; i < 4; ++i) {
        const QStringView octet = octets[i];
        if (octet.isEmpty() || octet.size() > 3 || (octet.size() > 1 && octet[0] == QLatin1Char('0')))
            return std::nullopt;
        int value = 0;
        for (QChar c : octet) {
            if (!isAsciiDigit(c))
                return std::nullopt;
            value = value * 10 + (c.unicode() - '0');
        }
        if (value > 255)
            return std::nullopt;
        out[size_t(i)] = static_cast<unsigned char>(value);
    }
    return out;
}

std::optional<IpAddress> parseV4(QStringView text)
{
    const auto quad = parseDottedQuad(text);
    if (!quad)
        return std::nullopt;
    IpAddress address;
    std::copy(quad->begin(), quad->end(), address.bytes.begin());
    return address;
}

// RFC 4291 text with an optional IPv4 tail and "%scope" (`IPv6Address.__init__`).
std::optional<IpAddress> parseV6(QStringView text)
{
    if (text.contains(QLatin1Char('/')))
        return std::nullopt;
    if (const qsizetype percent = text.indexOf(QLatin1Char('%')); percent >= 0) {
        const QStringView scope = text.mid(percent + 1);
        if (scope.isEmpty() || scope.contains(QLatin1Char('%')))
            return std::nullopt;
        text = text.left(percent);
    }
    if (text.isEmpty())
        return std::nullopt;
    // Each part is text to read as a hextet, or (from an IPv4 tail) a value already read.
    struct Part {
        QStringView text;
        int value = -1;
        bool empty() const { return value < 0 && text.isEmpty(); }
    };
    std::vector<Part> parts;
    for (QStringView piece : text.split(QLatin1Char(':')))
        parts.push_back({piece});
    if (parts.size() < 3)
        return std::nullopt;
    if (parts.back().text.contains(QLatin1Char('.'))) {
        const auto quad = parseDottedQuad(parts.back().text);
        if (!quad)
            return std::nullopt;
        parts.pop_back();
        parts.push_back({{}, ((*quad)[0] << 8) | (*quad)[1]});
        parts.push_back({{}, ((*quad)[2] << 8) | (*quad)[3]});
    }
    constexpr int kHextets = 8;
    const int count = int(parts.size());
    if (count > kHextets + 1)
        return std::nullopt;
    int skip = -1; // the "::": an empty part that is not an end
    for (int i = 1; i < count - 1; ++i) {
        if (parts[size_t(i)].empty()) {
            if (skip >= 0)
                return std::nullopt;
            skip = i;
        }
    }
    int high = 0, low = 0, skipped = 0;
    if (skip >= 0) {
        high = skip;
        low = count - skip - 1;
        if (parts.front().empty() && --high != 0)
            return std::nullopt; // a leading ':' only as part of "::"
        if (parts.back().empty() && --low != 0)
            return std::nullopt; // a trailing ':' only as part of "::"
        skipped = kHextets - (high + low);
        if (skipped < 1)
            return std::nullopt;
    } else {
        if (count != kHextets || parts.front().empty() || parts.back().empty())
            return std::nullopt;
        high = count;
    }
    const auto hextet = [](const Part &part) -> int {
        if (part.value >= 0)
            return part.value;
        if (part.text.isEmpty() || part.text.size() > 4)
            return -1;
        int value = 0;
        for (QChar c : part.text) {
            const int digit = hexValue(c);
            if (digit < 0)
                return -1;
            value = value * 16 + digit;
        }
        return value;
    };
    IpAddress address;
    address.v6 = true;
    std::vector<int> hextets;
    for (int i = 0; i < high; ++i)
        hextets.push_back(hextet(parts[size_t(i)]));
    hextets.insert(hextets.end(), size_t(skipped), 0);
    for (int i = count - low; i < count; ++i)
        hextets.push_back(hextet(parts[size_t(i)]));
    for (size_t i = 0; i < hextets.size(); ++i) {
        if (hextets[i] < 0)
            return std::nullopt;
        address.bytes[2 * i] = static_cast<unsigned char>(hextets[i] >> 8);
        address.bytes[2 * i + 1] = static_cast<unsigned char>(hextets[i] & 0xff);
    }
    return address;
}

bool bitAt(const IpAddress &a, int bit)
{
    return (a.bytes[size_t(bit / 8)] >> (7 - bit % 8)) & 1;
}

// The first prefix bits of a and b agree.
bool samePrefix(const IpAddress &a, const IpAddress &b, int prefix)
{
    for (int bit = 0; bit < prefix; ++bit)
        if (bitAt(a, bit) != bitAt(b, bit))
            return false;
    return true;
}

// Keeps the first prefix bits; the rest become `fill`.
IpAddress withHostBits(IpAddress a, int prefix, bool fill)
{
    for (int bit = prefix; bit < a.bitCount(); ++bit) {
        const auto mask = static_cast<unsigned char>(1 << (7 - bit % 8));
        auto &byte = a.bytes[size_t(bit / 8)];
        byte = fill ? (byte | mask) : (byte & ~mask);
    }
    return a;
}

// A decimal prefix length, as `_prefix_from_prefix_string` takes it ("08" is 8).
std::optional<int> parsePrefixLength(QStringView text, int maxBits)
{
    if (text.isEmpty())
        return std::nullopt;
    int value = 0;
    for (QChar c : text) {
        if (!isAsciiDigit(c))
            return std::nullopt;
        value = std::min(value * 10 + (c.unicode() - '0'), 1000);
    }
    if (value > maxBits)
        return std::nullopt;
    return value;
}

// An IPv4 netmask (ones, then zeros) or hostmask (zeros, then ones) in dotted-quad form; all
// zeros and all ones read as netmasks (`_prefix_from_ip_string`).
std::optional<int> parseDottedMask(QStringView text)
{
    const auto quad = parseDottedQuad(text);
    if (!quad)
        return std::nullopt;
    const quint32 bits =
        (quint32((*quad)[0]) << 24) | (quint32((*quad)[1]) << 16) | (quint32((*quad)[2]) << 8) | (*quad)[3];
    const auto onesThenZeros = [](quint32 v) -> std::optional<int> {
        int ones = 0;
        while (ones < 32 && (v & (0x80000000u >> ones)))
            ++ones;
        const quint32 expected = ones == 0 ? 0 : (0xffffffffu << (32 - ones));
        return v == expected ? std::optional<int>(ones) : std::nullopt;
    };
    if (const auto prefix = onesThenZeros(bits))
        return prefix;
    return onesThenZeros(~bits);
}

std::optional<IpNetwork> parseNetwork(QStringView text, bool v6)
{
    const QList<QStringView> pieces = text.split(QLatin1Char('/'));
    if (pieces.size() > 2)
        return std::nullopt;
    const std::optional<IpAddress> address = v6 ? parseV6(pieces[0]) : parseV4(pieces[0]);
    if (!address)
        return std::nullopt;
    std::optional<int> prefix = address->bitCount();
    if (pieces.size() == 2) {
        prefix = parsePrefixLength(pieces[1], address->bitCount());
        if (!prefix && !v6)
            prefix = parseDottedMask(pieces[1]);
    }
    if (!prefix)
        return std::nullopt;
    return IpNetwork{withHostBits(*address, *prefix, false), *prefix};
}

// `ipaddress`'s _private_networks (Python 3.11, as the dstack oracle runs it).
const std::vector<IpNetwork> &privateNetworks()
{
    static const std::vector<IpNetwork> networks = [] {
        std::vector<IpNetwork> out;
        for (const char *cidr :
             {"0.0.0.0/8",       "10.0.0.0/8",     "127.0.0.0/8",  "169.254.0.0/16",     "172.16.0.0/12",
              "192.0.0.0/29",    "192.0.0.170/31", "192.0.2.0/24", "192.168.0.0/16",     "198.18.0.0/15",
              "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4",  "255.255.255.255/32", "::1/128",
              "::/128",          "::ffff:0:0/96",  "100::/64",     "2001::/23",          "2001:2::/48",
              "2001:db8::/32",   "2001:10::/28",   "fc00::/7",     "fe80::/10"})
            out.push_back(*parseIpNetwork(QString::fromLatin1(cidr)));
        return out;
    }();
    return networks;
}

bool inNetwork(const IpAddress &address, const IpNetwork &network)
{
    return address.v6 == network.address.v6 && samePrefix(address, network.address, network.prefix);
}

// The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for.
std::optional<IpAddress> mappedV4(const IpAddress &address)
{
    if (!address.v6)
        return std::nullopt;
    for (size_t i = 0; i < 10; ++i)
        if (address.bytes[i] != 0)
            return std::nullopt;
    if (address.bytes[10] != 0xff || address.bytes[11] != 0xff)
        return std::nullopt;
    IpAddress v4;
    std::copy(address.bytes.begin() + 12, address.bytes.end(), v4.bytes.begin());
    return v4;
}

} // namespace

bool IpAddress::isLoopback() const
{
    if (const auto v4 = mappedV4(*this))
        return v4->isLoopback();
    if (!v6)
        return bytes[0] == 127;
    for (size_t i = 0; i < 15; ++i)
        if (bytes[i] != 0)
            return false;
    return bytes[15] == 1;
}

bool IpAddress::isPrivate() const
{
    if (const auto v4 = mappedV4(*this))
        return v4->isPrivate();
    for (const IpNetwork &network : privateNetworks())
        if (inNetwork(*this, network))
            return true;
    return false;
}

bool IpNetwork::isPrivate() const
{
    const IpAddress last = withHostBits(address, prefix, true);
    for (const IpNetwork &network : privateNetworks())
        if (inNetwork(address, network) && inNetwork(last, network))
            return true;
    return false;
}

std::optional<IpAddress> parseIpAddress(QStringView text)
{
    // A '/' fails both: it is no decimal digit, and parseV6 refuses it.
    if (auto v4 = parseV4(text))
        return v4;
    return parseV6(text);
}

std::optional<IpNetwork> parseIpNetwork(QStringView text)
{
    if (auto v4 = parseNetwork(text, false))
        return v4;
    return parseNetwork(text, true);
}

} // namespace gantry
