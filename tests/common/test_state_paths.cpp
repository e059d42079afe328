// StatePaths: where Gantry keeps its state, and that it is private (0700 folders, 0600
// files, written atomically). The suite runs in a fresh HOME (tests/support/run-isolated).

#include "core/common/StatePaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <sys/stat.h>

using namespace gantry;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode & 0777;
}

} // namespace

class TestStatePaths : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gantryHomeWinsThenXdgDataHome()
    {
        // A test of the variables themselves: set here, restored at the end.
        const QByteArray savedHome = qgetenv("GANTRY_HOME"), savedXdg = qgetenv("XDG_DATA_HOME");
        const QString base = QDir::homePath() + QStringLiteral("/paths");
        qputenv("GANTRY_HOME", QFile::encodeName(base + QStringLiteral("/gantry-home")));
        QCOMPARE(stateDir(), base + QStringLiteral("/gantry-home"));
        QCOMPARE(runsDir(), base + QStringLiteral("/gantry-home/runs"));
        QCOMPARE(chatDatabasePath(), base + QStringLiteral("/gantry-home/chat.sqlite"));
        qunsetenv("GANTRY_HOME");
        qputenv("XDG_DATA_HOME", QFile::encodeName(base + QStringLiteral("/xdg")));
        QCOMPARE(stateDir(), base + QStringLiteral("/xdg/gantry"));
        qunsetenv("XDG_DATA_HOME");
        QCOMPARE(stateDir(), QDir::homePath() + QStringLiteral("/.local/share/gantry"));
        QCOMPARE(modeOf(stateDir()), mode_t(0700));
        savedHome.isNull() ? qunsetenv("GANTRY_HOME") : qputenv("GANTRY_HOME", savedHome);
        savedXdg.isNull() ? qunsetenv("XDG_DATA_HOME") : qputenv("XDG_DATA_HOME", savedXdg);
    }

    void privateDirIsTightenedEvenWhenItExists()
    {
        const QString dir = QDir::homePath() + QStringLiteral("/loose/inner");
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
        QCOMPARE(makePrivateDir(dir), dir);
        QCOMPARE(modeOf(dir), mode_t(0700));
    }

    void atomicWriteIsPrivateAndWhole()
    {
        const QString dir = makePrivateDir(QDir::homePath() + QStringLiteral("/atomic"));
        const QString path = dir + QStringLiteral("/status.json");
        QString error;
        QVERIFY2(writeFileAtomically(path, "first", &error), qPrintable(error));
        QVERIFY2(writeFileAtomically(path, "second, longer", &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("second, longer"));
        QCOMPARE(modeOf(path), mode_t(0600));
        // No temporary file is left beside it.
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList{QStringLiteral("status.json")});
    }

    void unwritablePlaceIsAnErrorToActOn()
    {
        // A regular file where a folder should be: no user, not even root, can write below it.
        const QString blocker = QDir::homePath() + QStringLiteral("/not-a-folder");
        QString error;
        QVERIFY2(writeFileAtomically(blocker, "x", &error), qPrintable(error));
        const QString target = blocker + QStringLiteral("/status.json");
        QVERIFY(!writeFileAtomically(target, "data", &error));
        QVERIFY2(error.contains(target) || error.contains(blocker), qPrintable(error));
        QVERIFY(!QFileInfo::exists(target));
    }
};

QTEST_GUILESS_MAIN(TestStatePaths)
#include "test_state_paths.moc"
