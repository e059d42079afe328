#include "app/gantry/ScreenshotTour.h"

#include "core/chat/ChatSession.h"
#include "core/models/MessageListModel.h"
#include "core/models/OffersModel.h"
#include "core/models/RunsModel.h"
#include "ui/MainWindow.h"
#include "ui/chat/ChatInput.h"
#include "ui/chat/ChatPanel.h"
#include "ui/editor/EditorPanel.h"
#include "ui/offers/OffersPanel.h"
#include "ui/runs/RunsPanel.h"

#include <QElapsedTimer>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTextStream>
#include <QTimer>

namespace gantry::app {

ScreenshotTour::ScreenshotTour(ui::MainWindow *window, QString directory, bool deploy, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_directory(std::move(directory))
    , m_deploy(deploy)
{}

void ScreenshotTour::start()
{
    QTimer::singleShot(0, this, &ScreenshotTour::plan);
}

void ScreenshotTour::waitFor(const QString &what, std::function<bool()> predicate, int timeoutMs,
                             std::function<void()> next)
{
    auto *timer = new QTimer(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    timer->setInterval(100);
    connect(timer, &QTimer::timeout, this, [=, this] {
        if (predicate()) {
            timer->deleteLater();
            timer->stop();
            next();
        } else if (clock->elapsed() > timeoutMs) {
            timer->deleteLater();
            timer->stop();
            fail(QStringLiteral("timed out waiting for %1").arg(what));
        }
    });
    timer->start();
}

void ScreenshotTour::plan()
{
    ui::OffersPanel *offers = m_window->offers();
    m_window->editor()->reparseNow();
    if (!m_window->editor()->parseResult().valid()) {
        shoot(); // nothing to plan: show the editor's diagnostics as they are
        return;
    }
    m_window->showTab(ui::MainWindow::OffersTab);
    offers->plan();
    waitFor(
        QStringLiteral("the plan"), [offers] { return !offers->isPlanning(); }, 60000,
        [this] {
            if (m_deploy && m_window->offers()->model()->rowCount() > 0)
                deploy();
            else
                shoot();
        });
}

void ScreenshotTour::deploy()
{
    ui::OffersPanel *offers = m_window->offers();
    offers->table()->selectRow(0);
    connect(offers, &ui::OffersPanel::deployed, this, [this](const QString &run) {
        m_runName = run;
        say(QStringLiteral("deployed %1").arg(run));
    });
    connect(offers, &ui::OffersPanel::deployFailed, this,
            [this](const QString &e) { fail(QStringLiteral("deploy failed: ") + e); });
    offers->deploySelected();
    ui::RunsPanel *runs = m_window->runs();
    waitFor(
        QStringLiteral("the run to become ready"),
        [this, runs] {
            const int row = m_runName.isEmpty() ? -1 : runs->model()->rowOfRun(m_runName);
            return row >= 0 && runs->model()->runAt(row).ready;
        },
        180000,
        [this, runs] {
            const RunInfo run = runs->model()->runAt(runs->model()->rowOfRun(m_runName));
            say(QStringLiteral("ready %1 %2").arg(m_runName, run.model ? run.model->baseUrl : run.serviceUrl));
            chat();
        });
}

void ScreenshotTour::chat()
{
    m_window->runs()->selectRun(m_runName);
    m_window->runs()->chatButton()->click();
    ui::ChatPanel *chat = m_window->chat();
    chat->newConversation();
    chat->maxTokens()->setValue(48); // the tiny model never stops by itself
    chat->input()->setPlainText(QStringLiteral("hello"));
    chat->sendInput();
    auto finished = std::make_shared<bool>(false);
    connect(chat->session(), &ChatSession::replyFinished, this, [this, finished, chat](qint64, ReplyStatus status) {
        *finished = true;
        const int row = chat->messages()->rowCount() - 1;
        const QModelIndex last = chat->messages()->index(row);
        say(QStringLiteral("chat %1 %2")
                .arg(replyStatusToString(status), last.data(MessageListModel::MetricsTextRole).toString()));
    });
    waitFor(
        QStringLiteral("the chat reply"), [finished] { return *finished; }, 120000,
        [this] {
            // Let the log and metrics catch up for the Runs picture.
            QTimer::singleShot(2500, this, &ScreenshotTour::shoot);
        });
}

void ScreenshotTour::shoot()
{
    if (!m_runName.isEmpty())
        m_window->runs()->selectRun(m_runName);
    const QStringList files = m_window->saveScreenshots(m_directory);
    QTextStream out(stdout);
    for (const QString &f : files)
        out << f << '\n';
    if (files.size() != 4) {
        fail(QStringLiteral("could not write the screenshots into %1").arg(m_directory));
        return;
    }
    if (m_runName.isEmpty()) {
        Q_EMIT finished(0);
        return;
    }
    stopRun();
}

void ScreenshotTour::stopRun()
{
    ui::RunsPanel *runs = m_window->runs();
    runs->selectRun(m_runName);
    runs->stopSelected(false);
    waitFor(
        QStringLiteral("the run to stop"),
        [this, runs] {
            runs->refreshNow();
            const int row = runs->model()->rowOfRun(m_runName);
            return row < 0 || isFinal(runs->model()->runAt(row).status);
        },
        60000,
        [this, runs] {
            const int row = runs->model()->rowOfRun(m_runName);
            say(QStringLiteral("stopped %1 %2")
                    .arg(m_runName, row < 0 ? QStringLiteral("gone") : toString(runs->model()->runAt(row).status)));
            Q_EMIT finished(0);
        });
}

void ScreenshotTour::say(const QString &line)
{
    QTextStream(stdout) << line << Qt::endl;
}

void ScreenshotTour::fail(const QString &message)
{
    QTextStream(stderr) << "gantry --screenshot: " << message << '\n';
    if (!m_runName.isEmpty()) {
        m_window->runs()->selectRun(m_runName);
        m_window->runs()->stopSelected(true);
    }
    Q_EMIT finished(1);
}

} // namespace gantry::app
