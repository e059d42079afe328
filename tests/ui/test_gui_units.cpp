// GUI parts that need no running backend: the YAML path at the cursor (completion), the
// settings registry, and the offers panel driven by a backend whose plan arrives later.

#include "core/backends/dstack/DstackBackend.h"
#include "core/chat/ConversationStore.h"
#include "core/common/StatePaths.h"
#include "core/config/ConfigParser.h"
#include "core/models/LogModel.h"
#include "core/models/MessageListModel.h"
#include "core/models/OffersModel.h"
#include "core/models/RunsModel.h"
#include "core/secrets/TokenStore.h"
#include "tests/support/FakeDstackServer.h"
#include "tests/support/ScriptedBackend.h"
#include "tests/support/TestEnvironment.h"
#include "ui/GantryIcon.h"
#include "ui/MainWindow.h"
#include "ui/Settings.h"
#include "ui/chat/ChatPanel.h"
#include "ui/chat/MessageDelegate.h"
#include "ui/chat/OpenCodeBlock.h"
#include "ui/editor/EditorPanel.h"
#include "ui/editor/YamlEditor.h"
#include "ui/editor/YamlPath.h"
#include "ui/offers/OffersPanel.h"
#include "ui/runs/LogView.h"
#include "ui/runs/MetricsChart.h"
#include "ui/runs/RunsPanel.h"
#include "ui/settings/DstackServersDialog.h"

#include "core/backends/SavedServers.h"
#include "core/backends/dstack/DstackConfigFile.h"
#include "tests/support/CliProcess.h"
#include <QComboBox>

#include <QDir>
#include <QLabel>
#include <QLineEdit>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QHeaderView>
#include <QListView>
#include <QMetaEnum>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStyleOptionViewItem>
#include <QSvgRenderer>
#include <QTableView>
#include <QTest>

#include <QTextBlock>
#include <QTextDocument>
#include <utility>

using namespace Qt::StringLiterals;

using namespace gantry;
using namespace gantry::ui;

namespace {

Offer offer(const QString &instance, double price, const QString &region)
{
    Offer o;
    o.backend = QStringLiteral("aws");
    o.region = region;
    o.instanceName = instance;
    o.price = price;
    o.resources.cpus = 4;
    o.resources.memoryMib = 16384;
    return o;
}

} // namespace

class TestGuiUnits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("gantry-test"));
        QCoreApplication::setApplicationName(QStringLiteral("test_gui_units"));
    }

    // The Metrics tab draws with QtCharts from a module loaded when it is first shown, so that
    // a start does not load QtCharts. (First of the tests: none before it may have shown one.)
    void metricsChartLoadsItsPlotWhenFirstShown()
    {
        const auto chartsMapped = [] { return test::memoryMap().contains("libQt6Charts"); };
        ui::MetricsChart chart;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QList<MetricSample> samples;
        for (int i = 0; i < 3; ++i)
            samples << MetricSample{now.addSecs(i), 10.0 * i, 1e9, 8e9, {50.0}, {4e9}, {16e9}};
        chart.setSamples(samples);
        QVERIFY(!chart.hasPlot());
        QVERIFY(!chartsMapped());
        chart.resize(600, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QVERIFY2(chart.hasPlot(), qPrintable(chart.problem()));
        QVERIFY(chart.problem().isEmpty());
        QVERIFY(chartsMapped());
        QCOMPARE(chart.pointCount(), 3);
    }

    void yamlContext_data()
    {
        QTest::addColumn<QString>("doc"); // '|' marks the cursor
        QTest::addColumn<QStringList>("path");
        QTest::addColumn<bool>("atValue");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("prefix");
        QTest::newRow("top key") << "type: service\npo|" << QStringList() << false << ""
                                 << "po";
        QTest::newRow("top value") << "type: |" << QStringList() << true << "type"
                                   << "";
        QTest::newRow("nested key") << "resources:\n  gpu:\n    na|" << QStringList({u"resources"_s, u"gpu"_s}) << false
                                    << ""
                                    << "na";
        QTest::newRow("nested value") << "resources:\n  gpu:\n    vendor: nv|"
                                      << QStringList({u"resources"_s, u"gpu"_s}) << true << "vendor"
                                      << "nv";
        QTest::newRow("back out") << "resources:\n  gpu: 24GB\nmo|" << QStringList() << false << ""
                                  << "mo";
        QTest::newRow("list item") << "probes:\n  - type: http\n    ur|" << QStringList({u"probes"_s}) << false << ""
                                   << "ur";
        QTest::newRow("skips comments") << "model:\n# note\n  \n  fo|" << QStringList({u"model"_s}) << false << ""
                                        << "fo";
    }
    // The window's icon is drawn in code (no QtSvg at run time): it must look like the SVG the
    // desktop file installs, at the sizes a window manager and a tray ask for.
    void gantryIconLooksLikeItsSvg_data()
    {
        QTest::addColumn<int>("side");
        for (const int side : {16, 32, 48, 128, 256})
            QTest::addRow("%d", side) << side;
    }
    void gantryIconLooksLikeItsSvg()
    {
        QFETCH(int, side);
        QSvgRenderer svg(gantry::test::sourceDir() + QStringLiteral("/resources/icons/gantry.svg"));
        QVERIFY(svg.isValid());
        QImage expected(side, side, QImage::Format_ARGB32_Premultiplied);
        expected.fill(Qt::transparent);
        {
            QPainter painter(&expected);
            svg.render(&painter, QRectF(0, 0, side, side));
        }
        const QImage drawn =
            gantryIcon().pixmap(side, side).toImage().convertToFormat(QImage::Format_ARGB32_Premultiplied);
        QCOMPARE(drawn.size(), expected.size());
        // Antialiased edges may differ by a few levels (measured: mean 0.006–0.04, none past 16);
        // a shape out of place or a colour off differs by far more.
        qint64 total = 0;
        int far = 0;
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) {
                const QRgb a = drawn.pixel(x, y), b = expected.pixel(x, y);
                const int d = std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)),
                                        std::abs(qBlue(a) - qBlue(b)), std::abs(qAlpha(a) - qAlpha(b))});
                total += d;
                far += d > 16 ? 1 : 0;
            }
        const double mean = double(total) / (side * side);
        QVERIFY2(mean < 0.5, qPrintable(QString::number(mean)));
        QVERIFY2(far <= side / 8, qPrintable(QString::number(far))); // an edge pixel here and there
        QCOMPARE(gantryIcon().availableSizes().size(), 7);
    }

    void yamlContext()
    {
        QFETCH(QString, doc);
        QFETCH(QStringList, path);
        QFETCH(bool, atValue);
        QFETCH(QString, key);
        QFETCH(QString, prefix);
        const QStringList lines = doc.split(QLatin1Char('\n'));
        int line = 0, column = 0;
        QStringList clean;
        for (int i = 0; i < lines.size(); ++i) {
            QString l = lines[i];
            const int bar = int(l.indexOf(QLatin1Char('|')));
            if (bar >= 0) {
                line = i;
                column = bar;
                l.remove(bar, 1);
            }
            clean << l;
        }
        const YamlCursorContext ctx = yamlContextAt(clean, line, column);
        QCOMPARE(ctx.path, path);
        QCOMPARE(ctx.atValue, atValue);
        QCOMPARE(ctx.key, key);
        QCOMPARE(ctx.prefix, prefix);
    }

    void yamlContextToleratesNonsense()
    {
        QCOMPARE(yamlContextAt({}, 3, 4).path, QStringList());
        QCOMPARE(yamlContextAt({QStringLiteral("a:")}, 0, 99).prefix, QString());
    }

    // The editor's horizontal scroll bar is there only while a line is wider than the view, and
    // the file's name above it becomes selectable once the panel has been painted: not before,
    // because a selectable label lays its text out as a document (issue 14).
    void editorScrollBarAndTitle()
    {
        const QString path = QDir(gantry::test::freshDir(u"editor-scroll"_s)).filePath(u"serve.dstack.yml"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("type: service\nport: 8000\ncommands:\n  - python3 -m http.server 8000\n");
        file.close();
        EditorPanel panel;
        panel.resize(700, 400);
        QVERIFY(panel.openFile(path));
        QLabel *title = nullptr;
        for (QLabel *label : panel.findChildren<QLabel *>()) {
            if (label->text() == u"serve.dstack.yml"_s)
                title = label;
        }
        QVERIFY(title);
        QVERIFY(!title->textInteractionFlags().testFlag(Qt::TextSelectableByMouse));
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY(title->textInteractionFlags().testFlag(Qt::TextSelectableByMouse));

        YamlEditor *editor = panel.editor();
        editor->viewport()->repaint(); // the lines are painted, and so measured
        QCoreApplication::processEvents();
        QVERIFY(!editor->horizontalScrollBar()->isVisible());
        editor->append(u"  - "_s + QString(400, u'x') + u"\n"_s);
        QTRY_VERIFY(editor->horizontalScrollBar()->isVisible());
    }

    // A reply many screens tall, scrolled to the middle of its long code block: the view draws
    // that block's text a screen at a time (issue 14), and what it shows is exactly the message
    // painted whole.
    void longReplyInTheViewLooksAsPaintedWhole()
    {
        {
            ConversationStore seed;
            QVERIFY(seed.open(chatDatabasePath(), nullptr));
            const qint64 conversation =
                seed.createConversation(u"http://127.0.0.1:9/v1"_s, u"tiny"_s, u"Long reply"_s).value_or(-1);
            QVERIFY(conversation >= 0);
            // Short blocks, then one code block three screens tall (one document), then more.
            QString reply;
            for (int i = 0; i < 30; ++i)
                reply += u"Paragraph %1 with **bold** text.\n\n- item a\n- item b\n\n"_s.arg(i);
            reply += u"```cpp\n"_s;
            for (int i = 0; i < 150; ++i)
                reply += u"int line%1 = %1 * 2; // the middle of a long code block\n"_s.arg(i);
            reply += u"```\n\n"_s;
            for (int i = 30; i < 60; ++i)
                reply += u"Paragraph %1 with **bold** text.\n\n- item a\n- item b\n\n"_s.arg(i);
            const qint64 question =
                seed.addMessage(conversation, 0, MessageRole::User, u"Tell me everything."_s).value_or(-1);
            QVERIFY(question >= 0);
            QVERIFY(seed.addMessage(conversation, question, MessageRole::Assistant, reply).value_or(-1) >= 0);
            seed.flush();
        }
        ChatPanel panel;
        panel.resize(1100, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.openConversation(0);
        QTRY_COMPARE(panel.messages()->rowCount(), 2);
        QListView *view = panel.messageView();
        QWidget *viewport = view->viewport();
        QTRY_VERIFY(view->verticalScrollBar()->maximum() > 4 * viewport->height());
        view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum() / 2);
        // Settled: the delegate's measured heights have replaced its estimates, and two pictures
        // in a row are the same.
        QImage shown;
        auto settled = [&] {
            const QImage again = viewport->grab().toImage().convertToFormat(QImage::Format_RGB32);
            return std::exchange(shown, again) == again;
        };
        QTRY_VERIFY(settled());
        const QModelIndex answer = panel.messages()->index(1);
        const QRect item = view->visualRect(answer);
        QVERIFY2(item.top() < -viewport->height() && item.bottom() > 2 * viewport->height(),
                 qPrintable(u"%1..%2"_s.arg(item.top()).arg(item.bottom())));

        QImage whole(shown.size(), QImage::Format_RGB32);
        whole.fill(viewport->palette().color(viewport->backgroundRole()));
        QStyleOptionViewItem option;
        option.initFrom(viewport);
        option.font = view->font();
        option.rect = item; // no widget: nothing tells the delegate what can be seen
        {
            QPainter painter(&whole);
            view->itemDelegate()->paint(&painter, option, answer);
        }
        QCOMPARE(shown, whole);
    }

    // A code block still being written is grown in place, not parsed again (issue 14), and
    // shows what parsing the text would: from every prefix of a reply, one character at a time
    // and in one append up to every later point.
    void openCodeBlockGrowsAsParsed()
    {
        const QString text = u"Intro\n```cpp\nint a = 1;\n  indented();\n\nx\n``y\n```\n\n\n~~~\nz\n~~~\nT\n"_s;
        const auto dialect = QTextDocument::MarkdownDialectGitHub;
        auto blocks = [](const QTextDocument &doc) {
            QStringList shown;
            for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
                const QTextBlockFormat f = b.blockFormat();
                shown << u"%1|%2|%3"_s.arg(f.hasProperty(QTextFormat::BlockCodeFence) ? u"code"_s : u"text"_s,
                                           f.stringProperty(QTextFormat::BlockCodeLanguage), b.text());
            }
            return shown;
        };
        int appended = 0;
        for (qsizetype from = 0; from <= text.size(); ++from) {
            QTextDocument stepped;
            stepped.setMarkdown(text.left(from), dialect);
            for (qsizetype to = from + 1; to <= text.size(); ++to) {
                QTextDocument parsed;
                parsed.setMarkdown(text.left(to), dialect);
                // One character more.
                if (appendToOpenCodeBlock(&stepped, QStringView(text).left(to - 1), QStringView(text).mid(to - 1, 1)))
                    ++appended;
                else
                    stepped.setMarkdown(text.left(to), dialect);
                QCOMPARE(blocks(stepped), blocks(parsed));
                // Everything from `from` to `to` at once.
                QTextDocument jumped;
                jumped.setMarkdown(text.left(from), dialect);
                if (!appendToOpenCodeBlock(&jumped, QStringView(text).left(from),
                                           QStringView(text).mid(from, to - from)))
                    jumped.setMarkdown(text.left(to), dialect);
                QCOMPARE(blocks(jumped), blocks(parsed));
            }
        }
        QVERIFY2(appended > 100, qPrintable(QString::number(appended)));
    }

    // The delegate, as a reply streams a code block: the picture after the block grew in place is
    // the picture of the same text parsed afresh (fonts, tint, Copy button and all).
    void streamedCodeBlockLooksAsParsed()
    {
        QStandardItemModel model(1, 1);
        const QModelIndex index = model.index(0, 0);
        model.setData(index, 7, MessageListModel::IdRole);
        model.setData(index, u"assistant"_s, MessageListModel::MessageRoleRole);
        model.setData(index, int(ReplyStatus::Streaming), MessageListModel::StatusRole);
        MessageDelegate delegate;
        QStyleOptionViewItem option;
        option.font = QApplication::font();
        option.palette = QApplication::palette();
        option.rect = QRect(0, 0, 700, 900);
        auto paint = [&](const QString &content) {
            model.setData(index, content, MessageListModel::ContentRole);
            QImage image(option.rect.size(), QImage::Format_RGB32);
            image.fill(Qt::white);
            QPainter painter(&image);
            delegate.paint(&painter, option, index);
            return image;
        };
        const QString start = u"Here:\n\n```cpp\nint a = 1;\nint b"_s;
        const QString grown = start + u" = 2;\nint c = a + b;\n"_s;
        paint(start);
        const QImage stepped = paint(grown); // the same message, its text longer: grown in place
        // Its Copy button, at the code block's top right, copies the lines that grew in place too.
        QSignalSpy copied(&delegate, &MessageDelegate::copyRequested);
        for (int y = 0; y < option.rect.height() / 2 && copied.isEmpty(); y += 2) {
            for (int x = option.rect.width() - 1; x > option.rect.width() / 2 && copied.isEmpty(); x -= 2) {
                QMouseEvent release(QEvent::MouseButtonRelease, QPointF(x, y), QPointF(x, y), Qt::LeftButton,
                                    Qt::NoButton, Qt::NoModifier);
                delegate.editorEvent(&release, &model, option, index);
            }
        }
        QCOMPARE(copied.size(), 1);
        QCOMPARE(copied.first().first().toString(), u"int a = 1;\nint b = 2;\nint c = a + b;"_s);
        delegate.clearCache();
        const QImage parsed = paint(grown);
        QCOMPARE(stepped, parsed);
        // Not a blank picture: the code is there.
        QVERIFY(stepped != paint(start));
    }

    void settingsRegistry()
    {
        // Every key (counted by Qt's meta-object, so a key added later is covered) has its own
        // name and a default.
        QSet<QString> names;
        const QMetaEnum keys = QMetaEnum::fromType<Settings::Key>();
        QVERIFY(keys.keyCount() >= 16);
        for (int i = 0; i < keys.keyCount(); ++i) {
            const auto key = Settings::Key(keys.value(i));
            const QString name = Settings::name(key);
            QVERIFY2(!name.isEmpty(), keys.key(i));
            QVERIFY2(!names.contains(name), qPrintable(name));
            QVERIFY2(Settings::defaultValue(key).isValid(), keys.key(i));
            names.insert(name);
        }
        Settings &s = Settings::instance();
        s.setValue(Settings::Key::RecentProjects, QStringList());
        QCOMPARE(s.value(Settings::Key::ChatMaxTokens).toInt(), 512);
        QSignalSpy changed(&s, &Settings::changed);
        for (int i = 0; i < 10; ++i)
            s.addRecentProject(QStringLiteral("/p/%1").arg(i));
        s.addRecentProject(QStringLiteral("/p/3/"));
        const QStringList recent = s.recentProjects();
        QCOMPARE(recent.size(), 8);
        QCOMPARE(recent.first(), QStringLiteral("/p/3"));
        QCOMPARE(recent.count(QStringLiteral("/p/3")), 1);
        QVERIFY(changed.size() >= 10);
    }

    void offersPanelPlansSortsAndDeploys()
    {
        test::ScriptedBackend aws(QStringLiteral("aws"), {offer(u"g5.xlarge"_s, 1.006, u"us-east-1"_s),
                                                          offer(u"p3.2xlarge"_s, 3.06, u"eu-west-1"_s),
                                                          offer(u"g4dn.xlarge"_s, 0.526, u"ap-south-1"_s)});
        test::ScriptedBackend other(QStringLiteral("gcp"), {offer(u"n1"_s, 0.2, u"us-central1"_s)});
        OffersPanel panel;
        QAbstractItemModelTester tester(panel.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel.resize(1000, 600);
        panel.show();
        panel.setBackends({&aws, &other});
        Configuration config;
        config.typeName = QStringLiteral("service");
        panel.setConfiguration(config);
        QSignalSpy planned(&panel, &OffersPanel::planFinished);
        panel.plan();
        QVERIFY(panel.isPlanning()); // asynchronous: nothing blocked, nothing arrived yet
        QCOMPARE(panel.model()->rowCount(), 0);
        QVERIFY(planned.wait(5000));
        QVERIFY(!panel.isPlanning());
        QCOMPARE(panel.model()->rowCount(), 4);
        QCOMPARE(panel.footerText(), QStringLiteral("Shown 4 of 4 offers, $3.06 max"));

        // Click the Price header: cheapest first; click again: dearest first.
        QHeaderView *header = panel.table()->horizontalHeader();
        const QPoint priceHeader(header->sectionViewportPosition(OffersModel::Price) + 5, 5);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, priceHeader);
        const QString first = panel.model()->index(0, OffersModel::Price).data().toString();
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, priceHeader);
        const QString flipped = panel.model()->index(0, OffersModel::Price).data().toString();
        QVERIFY(first != flipped);
        QVERIFY((first == u"$0.2"_s && flipped == u"$3.06"_s) || (first == u"$3.06"_s && flipped == u"$0.2"_s));

        // Select the g5.xlarge row and Deploy: exactly that offer is applied on its backend.
        const int row = [&] {
            for (int r = 0; r < panel.model()->rowCount(); ++r)
                if (panel.model()->offerAt(r).instanceName == QLatin1String("g5.xlarge"))
                    return r;
            return -1;
        }();
        QVERIFY(row >= 0);
        panel.table()->selectRow(row);
        QVERIFY(panel.deployButton()->isEnabled());
        QSignalSpy deployed(&panel, &OffersPanel::deployed);
        QTest::mouseClick(panel.deployButton(), Qt::LeftButton);
        QVERIFY(deployed.wait(5000));
        QCOMPARE(aws.applied.size(), 1);
        QCOMPARE(aws.applied.first().instanceName, QStringLiteral("g5.xlarge"));
        QCOMPARE(other.applied.size(), 0);
        QCOMPARE(deployed.first().at(1).toString(), QStringLiteral("dstack")); // a stand-in for a remote backend
    }

    // Runs inside scripts/test's D-Bus session with an unlocked gnome-keyring (a real Secret Service).
    void manualEndpointTokenLivesInTheKeychain()
    {
        const QString url = QStringLiteral("http://127.0.0.1:9/v1");
        const QString secret = QStringLiteral("s3cret-token-for-test");
        {
            ChatPanel panel;
            panel.addManualEndpoint(url, QStringLiteral("tiny"), secret);
            QTRY_VERIFY_WITH_TIMEOUT(panel.endpointNote().contains(QLatin1String("keychain")), 10000);
            QVERIFY(!panel.endpointNote().contains(secret));
        }
        // Settings remember the URL and model, never the token.
        const QStringList saved = Settings::instance().value(Settings::Key::ManualEndpoints).toStringList();
        QVERIFY(saved.contains(url + QStringLiteral("#tiny")));
        QVERIFY(!saved.join(QLatin1Char(' ')).contains(secret));

        // The keychain holds it…
        TokenStore store;
        bool answered = false;
        TokenResult read;
        store.read(url, QStringLiteral("chat:tiny"), this, [&](const TokenResult &r) {
            read = r;
            answered = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        QVERIFY2(read.source == TokenResult::Source::Keychain, qPrintable(read.message));
        QCOMPARE(read.token, secret);

        // …and a later session's panel gets it back for the remembered endpoint.
        ChatPanel later;
        QCOMPARE(later.currentEndpoint().baseUrl, url);
        QTRY_VERIFY_WITH_TIMEOUT(later.endpointNote().contains(QLatin1String("token in the OS keychain")), 10000);
    }

    // File › dstack Server…: test the connection, save (token to the keychain), and the
    // window gains the dstack backend. Real fake-server process, real Secret Service.
    void dstackServerDialogConnectsAndAddsTheBackend()
    {
        gantry::test::FakeDstackServer server(QDir::homePath() + QStringLiteral("/fake-dstack"));
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));

        MainWindow window;
        window.dstackServersDialog();
        auto *dialog = window.findChild<DstackServersDialog *>();
        QVERIFY(dialog);
        dialog->urlEdit()->setText(server.url());
        dialog->projectEdit()->setText(QStringLiteral("main"));

        dialog->tokenEdit()->setText(QStringLiteral("wrong-token"));
        QTest::mouseClick(dialog->testButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().startsWith(QStringLiteral("✗")), 10000);

        dialog->tokenEdit()->setText(gantry::test::FakeDstackServer::token());
        QTest::mouseClick(dialog->testButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QLatin1String("Connected")), 10000);
        QVERIFY2(dialog->statusText().contains(QLatin1String("alice")) ||
                     dialog->statusText().contains(QLatin1String("signed in as")),
                 qPrintable(dialog->statusText()));

        QTest::mouseClick(dialog->saveButton(), Qt::LeftButton);
        auto backendLabelMentionsDstack = [&] {
            for (QLabel *label : window.findChildren<QLabel *>())
                if (label->text().contains(QLatin1String("dstack: main")))
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(backendLabelMentionsDstack(), 10000);
        QVERIFY(dialog->statusText().contains(QLatin1String("keychain")));

        const QList<SavedServer> saved = savedservers::load();
        QCOMPARE(saved.size(), 1);
        QCOMPARE(saved.first().url, server.url());
        QCOMPARE(saved.first().project, QStringLiteral("main"));

        TokenStore store;
        bool answered = false;
        TokenResult read;
        store.read(server.url(), QStringLiteral("main"), this, [&](const TokenResult &r) {
            read = r;
            answered = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
        QVERIFY2(read.source == TokenResult::Source::Keychain, qPrintable(read.message));
        QCOMPARE(read.token, gantry::test::FakeDstackServer::token());

        // The CLI sees the server saved in the GUI (one registry for both), its token from the
        // keychain: there is no ~/.dstack/config.yml in this suite's HOME.
        QVERIFY(!QFileInfo::exists(DstackConfigFile::defaultPath()));
        const auto ps = gantry::test::runCli(
            {QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--project"), QStringLiteral("main")});
        QVERIFY2(ps.exitCode == 0, qPrintable(ps.err));
        QVERIFY2(ps.out.contains(QLatin1String("No runs")) || ps.out.contains(QLatin1String("NAME")),
                 qPrintable(ps.out));
    }

    // A service of two replicas: the run monitor offers a picker, and picking replica 1 shows
    // that replica's own log and metrics (real fake-server process, real dstack backend).
    void runMonitorPicksAReplica()
    {
        const QString state = QDir::homePath() + QStringLiteral("/fake-dstack-replicas");
        QVERIFY(QDir().mkpath(state)); // the fake keeps its runs there
        gantry::test::FakeDstackServer server(state);
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        server.hook(QStringLiteral("timing"),
                    {{"provisioning_after", 0.2}, {"running_after", 0.4}, {"ready_after", 0.6}, {"stop_after", 0.2}});
        DstackBackend backend(
            DstackProject{QStringLiteral("main"), server.url(), gantry::test::FakeDstackServer::token(), true});
        backend.setPollIntervals(100, 300);
        const ParseResult parsed =
            parseConfiguration("type: service\nname: gui-replicas\ncommands: [serve]\nport: 8000\nreplicas: 2\n",
                               QStringLiteral("gui.dstack.yml"));
        QVERIFY(parsed.valid());
        QSignalSpy planned(&backend, &Backend::planFinished);
        backend.plan(*parsed.configuration);
        QVERIFY(planned.wait(20000));
        const Plan plan = planned.first().at(1).value<Plan>();
        QVERIFY2(plan.error.isEmpty() && !plan.offers.isEmpty(), qPrintable(plan.error));
        QSignalSpy applied(&backend, &Backend::applyFinished);
        backend.apply(*parsed.configuration, plan.offers.first());
        QVERIFY(applied.wait(20000));
        QVERIFY2(applied.first().at(2).toString().isEmpty(), qPrintable(applied.first().at(2).toString()));

        RunsPanel panel;
        panel.setBackends({&backend});
        panel.show();
        QTRY_VERIFY_WITH_TIMEOUT(panel.model()->rowOfRun(QStringLiteral("gui-replicas")) >= 0, 20000);
        panel.selectRun(QStringLiteral("gui-replicas"));
        QTRY_COMPARE_WITH_TIMEOUT(panel.jobPicker()->count(), 2, 20000);
        QVERIFY(panel.jobPicker()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(panel.jobPicker()->itemText(1) == QStringLiteral("replica 1 — running"), 20000);

        auto shownText = [&panel] {
            QStringList lines;
            LogModel *model = panel.logView()->model();
            for (int row = 0; row < model->rowCount(); ++row)
                lines << model->index(row, 0).data(LogModel::TextRole).toString();
            return lines.join(u'\n');
        };
        QTRY_VERIFY_WITH_TIMEOUT(shownText().contains(QLatin1String("llama-server starting")), 20000);
        panel.jobPicker()->setCurrentIndex(1);
        QTRY_VERIFY_WITH_TIMEOUT(shownText().contains(QLatin1String("replica 1 job 0: line 4")), 20000);
        QVERIFY(!shownText().contains(QLatin1String("llama-server")));
        const QString run = QStringLiteral("gui-replicas");
        const RunJob second{1, 0, {}};
        QTRY_VERIFY_WITH_TIMEOUT(!panel.metricsChart()->samples().isEmpty() && !backend.metrics(run).isEmpty(), 20000);
        QCOMPARE(panel.metricsChart()->samples().last().cpuPercent, backend.jobMetrics(run, second).last().cpuPercent);
        QVERIFY(backend.jobMetrics(run, second).last().cpuPercent !=
                backend.metrics(run).last().cpuPercent); // not replica 0's
        backend.stop(QStringLiteral("gui-replicas"), true);
    }
};

QTEST_MAIN(TestGuiUnits)
#include "test_gui_units.moc"
