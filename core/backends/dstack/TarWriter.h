#pragma once

// The tar that DstackFilePacker writes, through libarchive in a module of its own
// (archive/, libgantry_archive.so) loaded the first time a `files:` archive is packed:
// libarchive and what it links (xml2, nettle, lzma, bz2, zstd, lz4, acl) are then not loaded
// at every start (issue 14). One writer per archive, on one thread.

#include <QString>

#include <memory>

struct stat;

namespace gantry {

class TarWriter
{
public:
    enum class Kind { File, Directory, Symlink, HardLink };

    virtual ~TarWriter() = default;
    // POSIX tar, with pax records only where ustar cannot say it (long names): what Python's
    // tarfile (dstack's client) and the runner's extractor read. Uncompressed.
    virtual bool open(const QString &tarPath) = 0;
    // One member: st gives its mode, owner and times (and, for a File, its size, whose bytes
    // follow through data()); link is a Symlink's target or the earlier member a HardLink names.
    virtual bool header(const struct stat &st, const QString &member, Kind kind, const QString &link) = 0;
    virtual bool data(const char *bytes, qint64 size) = 0;
    virtual qint64 bytesWritten() const = 0; // the archive so far
    virtual bool close() = 0;
    virtual QString error() const = 0; // after a false: what went wrong
};

// A new writer, or nullptr and *error when the module cannot be loaded.
std::unique_ptr<TarWriter> makeTarWriter(QString *error);

} // namespace gantry

// The one symbol the module exports: a new writer, owned by the caller.
extern "C" {
using GantryMakeTarWriter = gantry::TarWriter *(*)();
}
#define GANTRY_MAKE_TAR_WRITER "gantry_make_tar_writer"
