#include "core/common/UnixSignalNotifier.h"

#include <QSocketNotifier>

#include <sys/socket.h>
#include <unistd.h>

namespace gantry {

namespace {

int g_fds[2] = {-1, -1};

void onSignal(int signalNumber)
{
    const auto byte = static_cast<unsigned char>(signalNumber);
    [[maybe_unused]] const auto written = ::write(g_fds[0], &byte, 1);
}

} // namespace

UnixSignalNotifier::UnixSignalNotifier(const QList<int> &signalNumbers, QObject *parent)
    : QObject(parent)
    , m_signals(signalNumbers)
{
    if (g_fds[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, g_fds) != 0)
        return;
    m_notifier = std::make_unique<QSocketNotifier>(qintptr(g_fds[1]), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, [this]() {
        unsigned char byte = 0;
        if (::read(g_fds[1], &byte, 1) == 1)
            Q_EMIT received(int(byte));
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int s : std::as_const(m_signals)) {
        struct sigaction previous = {};
        sigaction(s, &action, &previous);
        m_previous.append(previous);
    }
}

UnixSignalNotifier::~UnixSignalNotifier()
{
    for (qsizetype i = 0; i < m_previous.size(); ++i)
        sigaction(m_signals.at(i), &m_previous.at(i), nullptr);
}

} // namespace gantry
