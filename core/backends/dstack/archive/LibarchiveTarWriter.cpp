// libgantry_archive.so: DstackFilePacker's tar, written with libarchive (see ../TarWriter.h).

#include "core/backends/dstack/TarWriter.h"

#include <QFile>

#include <archive.h>
#include <archive_entry.h>

#include <sys/stat.h>

#include <memory>

namespace {

using gantry::TarWriter;

struct ArchiveDeleter {
    void operator()(archive *a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry *e) const { archive_entry_free(e); }
};

class LibarchiveTarWriter final : public TarWriter
{
public:
    bool open(const QString &tarPath) override
    {
        m_archive.reset(archive_write_new());
        archive_write_set_format_pax_restricted(m_archive.get());
        archive_write_add_filter_none(m_archive.get());
        return ok(archive_write_open_filename(m_archive.get(), QFile::encodeName(tarPath).constData()));
    }

    bool header(const struct stat &st, const QString &member, Kind kind, const QString &link) override
    {
        std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
        archive_entry_copy_stat(entry.get(), &st);
        archive_entry_set_pathname_utf8(entry.get(), member.toUtf8().constData());
        switch (kind) {
        case Kind::Symlink:
            archive_entry_set_filetype(entry.get(), AE_IFLNK);
            archive_entry_set_symlink_utf8(entry.get(), link.toUtf8().constData());
            archive_entry_set_size(entry.get(), 0);
            break;
        case Kind::HardLink:
            archive_entry_set_hardlink_utf8(entry.get(), link.toUtf8().constData());
            archive_entry_set_size(entry.get(), 0);
            break;
        case Kind::Directory:
            archive_entry_set_size(entry.get(), 0);
            break;
        case Kind::File:
            break;
        }
        return ok(archive_write_header(m_archive.get(), entry.get()));
    }

    bool data(const char *bytes, qint64 size) override
    {
        return archive_write_data(m_archive.get(), bytes, size_t(size)) >= 0 || ok(ARCHIVE_FATAL);
    }

    qint64 bytesWritten() const override { return archive_filter_bytes(m_archive.get(), -1); }

    bool close() override { return ok(archive_write_close(m_archive.get())); }

    QString error() const override { return m_error; }

private:
    bool ok(int status)
    {
        if (status == ARCHIVE_OK)
            return true;
        const char *text = archive_error_string(m_archive.get());
        m_error = text ? QString::fromUtf8(text) : QStringLiteral("libarchive failed (%1)").arg(status);
        return false;
    }

    std::unique_ptr<archive, ArchiveDeleter> m_archive;
    QString m_error;
};

} // namespace

extern "C" Q_DECL_EXPORT TarWriter *gantry_make_tar_writer()
{
    return new LibarchiveTarWriter;
}
