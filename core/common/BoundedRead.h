#pragma once

// Reads at most `limit` bytes from a device, allocating only what arrives. QIODevice::read(n)
// reserves n bytes before it reads: with a cap of 4 or 64 MB each call cost that much address
// space, the result kept it as capacity, and glibc, once such a block was freed, kept later
// freed memory in the heap instead of returning it.

#include <QByteArray>
#include <QIODevice>

#include <algorithm>

namespace gantry {

inline QByteArray readAtMost(QIODevice &device, qint64 limit)
{
    QByteArray data;
    char chunk[64 * 1024];
    while (data.size() < limit) {
        const qint64 n = device.read(chunk, std::min<qint64>(qint64(sizeof chunk), limit - data.size()));
        if (n <= 0)
            break;
        data.append(chunk, qsizetype(n));
    }
    return data;
}

} // namespace gantry
