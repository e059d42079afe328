#pragma once

// Run names as dstack makes them: <adjective>-<animal>-<n>, with n the smallest integer ≥ 1
// that no existing run uses for that adjective-animal pair (docs/reference/dstack-configuration.md#run-names).

#include <QSet>
#include <QString>

class QRandomGenerator;

namespace gantry {

// A fresh name that is not in `taken`. `random` defaults to the global generator.
QString generateRunName(const QSet<QString> &taken, QRandomGenerator *random = nullptr);

// dstack's rule for user-given names: ^[a-z][a-z0-9-]{1,40}$.
bool isValidRunName(const QString &name);
// What the rule asks for, in words, to follow "run name 'x' …: ".
QString runNameRule();

// The word lists (lowercase letters only), exposed for tests.
int runNameAdjectiveCount();
int runNameAnimalCount();

} // namespace gantry
