#include "CliSupport.h"

#include "backends/dstack/DstackBackend.h"
#include "config/ConfigParser.h"

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

bool takeFlag(QStringList &args, std::initializer_list<const char *> names)
{
    bool found = false;
    for (const char *name : names)
        found = args.removeAll(QLatin1String(name)) > 0 || found;
    return found;
}

std::optional<QString> takeOption(QStringList &args, std::initializer_list<const char *> names, QString *error)
{
    for (const char *name : names) {
        const QLatin1String option(name);
        for (qsizetype i = 0; i < args.size(); ++i) {
            if (args.at(i) == option) {
                if (i + 1 >= args.size()) {
                    *error = QStringLiteral("%1 needs a value").arg(option);
                    return std::nullopt;
                }
                const QString value = args.at(i + 1);
                args.remove(i, 2);
                return value;
            }
            if (args.at(i).startsWith(option + QLatin1Char('='))) {
                const QString value = args.at(i).mid(option.size() + 1);
                args.remove(i);
                return value;
            }
        }
    }
    return std::nullopt;
}

QString unknownOption(const QStringList &args)
{
    for (const QString &a : args)
        if (a.startsWith(QLatin1Char('-')) && a != QLatin1String("-"))
            return a;
    return {};
}

std::optional<Configuration> loadConfigurationArgs(QStringList &args)
{
    QString error;
    const auto file = takeOption(args, {"-f", "--file"}, &error);
    if (!error.isEmpty()) {
        err() << "gantry-cli: " << error << '\n';
        return std::nullopt;
    }
    QString dir = QDir::currentPath();
    if (!args.isEmpty() && !args.first().startsWith(QLatin1Char('-')))
        dir = args.takeFirst();
    QString path;
    if (file) {
        path = QFileInfo(*file).isAbsolute() ? *file : QDir(dir).filePath(*file);
        if (!QFileInfo::exists(path) && QFileInfo::exists(*file))
            path = *file;
    } else {
        path = findConfiguration(dir);
        if (path.isEmpty()) {
            err() << "gantry-cli: no configuration in " << QDir(dir).absolutePath()
                  << " (looked for .dstack.yml, .dstack.yaml, *.dstack.yml); pass one with -f FILE\n";
            return std::nullopt;
        }
    }
    ParseResult result = loadConfiguration(QFileInfo(path).absoluteFilePath());
    for (const Diagnostic &d : std::as_const(result.diagnostics))
        err() << d.toString() << '\n';
    if (!result.valid())
        return std::nullopt;
    return std::move(*result.configuration);
}

std::optional<Configuration> loadConfigurationForVerb(QStringList &args, const QString &verb, int *exitCode)
{
    auto configuration = loadConfigurationArgs(args);
    if (!configuration) {
        *exitCode = 1;
        return std::nullopt;
    }
    if (const QString bad = unknownOption(args); !bad.isEmpty()) {
        err() << "gantry-cli " << verb << ": unknown option " << bad << '\n';
        *exitCode = 2;
        return std::nullopt;
    }
    return configuration;
}

void fetchRunDetailsAndWait(Backend &backend, const QString &runName)
{
    auto *dstack = qobject_cast<DstackBackend *>(&backend);
    if (!dstack)
        return;
    QEventLoop wait;
    QObject::connect(dstack, &DstackBackend::detailsFetched, &wait, &QEventLoop::quit);
    QTimer::singleShot(60000, &wait, &QEventLoop::quit);
    dstack->fetchRunDetails(runName);
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
        stream << "No matching offers: " << (plan.noOffersReason.isEmpty() ? QStringLiteral("no offer satisfies the requirements") : plan.noOffersReason)
               << '\n';
        return;
    }
    QList<QStringList> rows{{QStringLiteral("#"), QStringLiteral("BACKEND"), QStringLiteral("REGION"), QStringLiteral("INSTANCE"),
                             QStringLiteral("RESOURCES"), QStringLiteral("SPOT"), QStringLiteral("PRICE"), QString()}};
    int n = 0;
    for (const Offer &o : plan.offers) {
        const bool unavailable = o.availability != QLatin1String("available") && o.availability != QLatin1String("unknown");
        QString instance = o.instanceName;
        if (o.totalBlocks > 1)
            instance += QStringLiteral(" (%1/%2)").arg(o.blocks).arg(o.totalBlocks);
        rows.append({QString::number(++n), o.backend == QLatin1String("remote") ? QStringLiteral("ssh") : o.backend, o.region, instance,
                     o.resourcesText(), o.resources.spot ? QStringLiteral("yes") : QStringLiteral("no"), Offer::formatPrice(o.price),
                     unavailable ? QString(o.availability).replace(QLatin1Char('_'), QLatin1Char(' ')) : QString()});
    }
    const int total = std::max(plan.totalOffers, int(plan.offers.size()));
    if (total > plan.offers.size())
        rows.append({QStringLiteral("..."), {}, {}, {}, {}, {}, {}, {}});
    printTable(stream, rows);
    stream << '\n'
           << "Shown " << plan.offers.size() << " of " << total << " offers, " << Offer::formatPrice(plan.maxPrice) << " max\n";
    if (plan.needsFleet)
        stream << '\n' << fleetNeededNote(plan.project) << '\n';
}

QString fleetNeededNote(const QString &project)
{
    return QStringLiteral("Project '%1' has no fleet: these are its backends' offers, and deploying needs a fleet first.\n"
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

} // namespace gantry::cli
