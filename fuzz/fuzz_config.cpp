// The YAML + configuration reader: any bytes → diagnostics, never a crash, never a throw.
#include "core/config/ConfigLints.h"
#include "core/config/ConfigParser.h"
#include "core/config/YamlTree.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray yaml(reinterpret_cast<const char *>(data), qsizetype(size));
    const gantry::ParseResult result = gantry::parseConfiguration(yaml, QStringLiteral("fuzz.dstack.yml"));
    if (result.configuration)
        (void)result.configuration->canonical.dump(); // our own tree: bounded depth
    // Both YAML readers on their own, as tests/config compares them.
    gantry::yaml::Document fast;
    if (gantry::yaml::checkInput(yaml, fast))
        gantry::yaml::parseCommonSubset(yaml, fast);
    return 0;
}
