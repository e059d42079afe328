#include "app/cli/CliSupport.h"

#include "core/config/ConfigParser.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

namespace gantry::cli {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QCommandLineOption fileOption()
{
    return QCommandLineOption({QStringLiteral("f"), QStringLiteral("file")},
                              QStringLiteral("the configuration (default: DIR/.dstack.yml, then DIR/*.dstack.yml)"),
                              QStringLiteral("FILE"));
}

Positional directoryPositional()
{
    return {QStringLiteral("DIR"), QStringLiteral("where to look for the configuration (default: .)"), true};
}

QCommandLineOption jsonOption()
{
    return QCommandLineOption(QStringLiteral("json"), QStringLiteral("print JSON instead of text"));
}

ConfigurationChoice ConfigurationChoice::from(const QCommandLineParser &arguments, qsizetype dirIndex)
{
    ConfigurationChoice choice;
    choice.file = arguments.value(QStringLiteral("file"));
    choice.dir = arguments.positionalArguments().value(dirIndex);
    return choice;
}

std::optional<QString> configurationPath(const ConfigurationChoice &choice, QString *error)
{
    const QString dir = choice.dir.isEmpty() ? QDir::currentPath() : choice.dir;
    if (!choice.file.isEmpty()) {
        QString path =
            QFileInfo(choice.file).isAbsolute() || choice.dir.isEmpty() ? choice.file : QDir(dir).filePath(choice.file);
        if (!QFileInfo::exists(path) && QFileInfo::exists(choice.file))
            path = choice.file;
        return path;
    }
    if (!QDir(dir).exists()) {
        *error = QStringLiteral("no such directory: %1").arg(QDir::toNativeSeparators(dir));
        return std::nullopt;
    }
    const QString path = findConfiguration(dir);
    if (path.isEmpty()) {
        *error = QStringLiteral("no configuration found in %1 (looked for .dstack.yml, .dstack.yaml, *.dstack.yml); "
                                "pass one with -f FILE")
                     .arg(QDir::toNativeSeparators(QDir(dir).absolutePath()));
        return std::nullopt;
    }
    return path;
}

std::optional<Configuration> loadChosenConfiguration(const ConfigurationChoice &choice)
{
    QString error;
    const auto path = configurationPath(choice, &error);
    if (!path) {
        err() << "gantry-cli: " << error << '\n';
        return std::nullopt;
    }
    ParseResult result = loadConfiguration(QFileInfo(*path).absoluteFilePath());
    for (const Diagnostic &d : std::as_const(result.diagnostics))
        err() << d.toString() << '\n';
    if (!result.valid())
        return std::nullopt;
    return std::move(*result.configuration);
}

void fetchRunDetailsAndWait(Backend &backend, const QString &runName)
{
    QEventLoop wait;
    bool fetched = false;
    QObject::connect(&backend, &Backend::detailsFetched, &wait, [&] {
        fetched = true;
        wait.quit();
    });
    QTimer::singleShot(60000, &wait, &QEventLoop::quit);
    backend.fetchRunDetails(runName);
    if (!fetched)
        wait.exec();
}

Plan planAndWait(Backend &backend, const Configuration &configuration)
{
    Plan plan;
    QEventLoop loop;
    QObject::connect(&backend, &Backend::planFinished, &loop, [&](int, const Plan &result) {
        plan = result;
        loop.quit();
    });
    backend.plan(configuration);
    loop.exec();
    return plan;
}

void printTable(QTextStream &stream, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype c = 0; c < row.size(); ++c) {
            if (widths.size() <= c)
                widths.append(0);
            widths[c] = std::max(widths[c], row.at(c).size());
        }
    }
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c) {
            line += c + 1 < row.size() ? row.at(c).leftJustified(widths[c]) + QStringLiteral("  ") : row.at(c);
        }
        stream << ' ' << line.trimmed() << '\n';
    }
}

void printPlan(QTextStream &stream, const Plan &plan)
{
    qsizetype keyWidth = 0;
    for (const auto &[key, value] : plan.header)
        keyWidth = std::max(keyWidth, key.size());
    for (const auto &[key, value] : plan.header)
        stream << ' ' << key.leftJustified(keyWidth + 2) << value << '\n';
    stream << '\n';
    if (!plan.error.isEmpty()) {
        stream << "Error: " << plan.error << '\n';
        return;
    }
    if (plan.offers.isEmpty()) {
        stream << "No matching offers: "
               << (plan.noOffersReason.isEmpty() ? QStringLiteral("no offer satisfies the requirements")
                                                 : plan.noOffersReason)
               << '\n';
        return;
    }
    QList<QStringList> rows{{QStringLiteral("#"), QStringLiteral("BACKEND"), QStringLiteral("REGION"),
                             QStringLiteral("INSTANCE"), QStringLiteral("RESOURCES"), QStringLiteral("SPOT"),
                             QStringLiteral("PRICE"), QString()}};
    int n = 0;
    for (const Offer &o : plan.offers) {
        const bool unavailable =
            o.availability != QLatin1String("available") && o.availability != QLatin1String("unknown");
        QString instance = o.instanceName;
        if (o.totalBlocks > 1)
            instance += QStringLiteral(" (%1/%2)").arg(o.blocks).arg(o.totalBlocks);
        rows.append({QString::number(++n), o.backend == QLatin1String("remote") ? QStringLiteral("ssh") : o.backend,
                     o.region, instance, o.resourcesText(),
                     o.resources.spot ? QStringLiteral("yes") : QStringLiteral("no"), Offer::formatPrice(o.price),
                     unavailable ? QString(o.availability).replace(QLatin1Char('_'), QLatin1Char(' ')) : QString()});
    }
    const int total = std::max(plan.totalOffers, int(plan.offers.size()));
    if (total > plan.offers.size())
        rows.append({QStringLiteral("..."), {}, {}, {}, {}, {}, {}, {}});
    printTable(stream, rows);
    stream << '\n'
           << "Shown " << plan.offers.size() << " of " << total << " offers, " << Offer::formatPrice(plan.maxPrice)
           << " max\n";
    if (plan.needsFleet)
        stream << '\n' << fleetNeededNote(plan.project) << '\n';
}

QString fleetNeededNote(const QString &project)
{
    return QStringLiteral(
               "Project '%1' has no fleet: these are its backends' offers, and deploying needs a fleet first.\n"
               "Create one with a fleet configuration, e.g. fleet.dstack.yml:\n"
               "  type: fleet\n  name: my-fleet\n  nodes: 0..1   # nothing is bought until a run needs it\n"
               "and apply it: gantry-cli apply -f fleet.dstack.yml --project %1")
        .arg(project);
}

nlohmann::json planToJson(const Plan &plan)
{
    nlohmann::json header = nlohmann::json::array();
    for (const auto &[key, value] : plan.header)
        header.push_back({{"name", key.toStdString()}, {"value", value.toStdString()}});
    nlohmann::json offers = nlohmann::json::array();
    for (const Offer &o : plan.offers)
        offers.push_back(o.toJson());
    auto textOrNull = [](const QString &s) { return s.isEmpty() ? nlohmann::json() : nlohmann::json(s.toStdString()); };
    return {{"backend", plan.backend.toStdString()},
            {"project", plan.project.toStdString()},
            {"user", plan.user.toStdString()},
            {"header", header},
            {"offers", offers},
            {"total_offers", std::max(plan.totalOffers, int(plan.offers.size()))},
            {"max_price", plan.maxPrice},
            {"no_offers_reason", textOrNull(plan.offers.isEmpty() ? plan.noOffersReason : QString())},
            {"needs_fleet", plan.needsFleet},
            {"error", textOrNull(plan.error)}};
}

void printJson(const nlohmann::json &j)
{
    out() << QString::fromStdString(j.dump(2)) << '\n';
    out().flush();
}

QString capitalised(const QString &text)
{
    return text.isEmpty() ? text : text.left(1).toUpper() + text.mid(1);
}

bool confirm(const QString &question)
{
    err() << question << " [y/n]: ";
    err().flush();
    QTextStream in(stdin);
    const QString answer = in.readLine().trimmed().toLower();
    return answer == QLatin1String("y") || answer == QLatin1String("yes");
}

} // namespace gantry::cli
