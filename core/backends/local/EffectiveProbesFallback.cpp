// TEMPORARY: a weak Configuration::effectiveProbes() so that the local backend links before
// the configuration parser (branch `config`) lands on main. The parser's definition is
// strong and wins as soon as it is linked in. Delete this file after merging it.

#include "config/Configuration.h"

namespace gantry {

__attribute__((weak)) std::vector<ProbeSpec> Configuration::effectiveProbes() const
{
    if (probes)
        return *probes;
    if (type != RunType::Service || !model || model->format != QLatin1String("openai"))
        return {};
    ProbeSpec probe;
    probe.url = model->prefix + QStringLiteral("/chat/completions");
    probe.method = QStringLiteral("post");
    probe.headers.emplace_back(QStringLiteral("Content-Type"), QStringLiteral("application/json"));
    const nlohmann::json body = {{"model", model->name.toStdString()},
                                 {"messages", {{{"role", "user"}, {"content", "hi"}}}},
                                 {"max_tokens", 1}};
    probe.body = QString::fromStdString(body.dump());
    probe.timeoutSec = 30;
    probe.intervalSec = 15;
    probe.readyAfter = 1;
    return {probe};
}

} // namespace gantry
