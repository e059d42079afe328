#pragma once

// What every benchmark executable shares: running the registered benchmarks inside a Qt
// application object (sockets, SQLite and widgets want one), a state folder of its own so a
// benchmark never touches the user's runs, chats or settings, and a TCP listener on 127.0.0.1
// for the scripted servers.

#include <QCoreApplication>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace gantry::bench {

template <typename Application>
int runBenchmarks(int argc, char **argv)
{
    Application app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// Widgets without a display (unless QT_QPA_PLATFORM says otherwise).
inline void offscreenUnlessTold()
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

// $GANTRY_HOME and $XDG_CONFIG_HOME in a temporary folder for the life of the object (child
// processes such as gantry-cli inherit them).
class OwnState
{
public:
    OwnState()
    {
        qputenv("GANTRY_HOME", m_home.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
    }

private:
    QTemporaryDir m_home;
};

// A listening TCP socket on 127.0.0.1 and a free port; -1 when the system refuses.
inline int listenOnLoopback(int backlog, int *port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    *port = ntohs(a.sin_port);
    ::listen(fd, backlog);
    return fd;
}

} // namespace gantry::bench
