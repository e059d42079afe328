#include "core/runs/RunNames.h"

#include <QRandomGenerator>
#include <QRegularExpression>

#include <array>

namespace gantry {

namespace {

constexpr std::array kAdjectives = {
    "able",   "agile",    "amber",   "ample",   "ancient",  "azure",    "bold",    "brave",    "bright",   "brisk",
    "bronze", "busy",     "calm",    "candid",  "careful",  "cheerful", "chilly",  "clever",   "cloudy",   "cobalt",
    "cool",   "cosmic",   "cozy",    "crimson", "crisp",    "curious",  "dapper",  "daring",   "dazzling", "deep",
    "eager",  "early",    "earnest", "easy",    "electric", "elegant",  "emerald", "epic",     "fair",     "fancy",
    "fast",   "fearless", "fierce",  "fine",    "firm",     "fluffy",   "fond",    "free",     "fresh",    "friendly",
    "frosty", "gentle",   "giant",   "gifted",  "glad",     "gleaming", "golden",  "graceful", "grand",    "green",
    "happy",  "hardy",    "hearty",  "helpful", "honest",   "humble",   "icy",     "ideal",    "jolly",    "jovial",
    "joyful", "keen",     "kind",    "lively",  "loyal",    "lucky",    "lunar",   "magic",    "majestic", "mellow",
    "merry",  "mighty",   "misty",   "modest",  "neat",     "nimble",   "noble",   "polite",   "proud",    "quick",
    "quiet",  "radiant",  "rapid",   "rare",    "ready",    "regal",    "rosy",    "royal",    "ruby",     "rustic",
    "sandy",  "sapphire", "sharp",   "shiny",   "silent",   "silver",   "simple",  "sleek",    "smart",    "smooth",
    "snowy",  "solar",    "solid",   "sound",   "spicy",    "steady",   "stellar", "stormy",   "strong",   "sturdy",
    "sunny",  "swift",    "tidy",    "tough",   "tranquil", "upbeat",   "valiant", "vivid",    "warm",     "wise",
    "witty",  "zesty"};

constexpr std::array kAnimals = {
    "albatross", "alpaca",  "ant",      "antelope",  "armadillo", "badger",   "bat",     "bear",     "beaver",
    "bee",       "bison",   "boar",     "buffalo",   "butterfly", "camel",    "cat",     "cheetah",  "chicken",
    "cobra",     "cougar",  "cow",      "coyote",    "crab",      "crane",    "crow",    "deer",     "dingo",
    "dolphin",   "donkey",  "dove",     "dragonfly", "duck",      "eagle",    "eel",     "elephant", "elk",
    "emu",       "falcon",  "ferret",   "finch",     "firefly",   "flamingo", "fox",     "frog",     "gazelle",
    "gecko",     "gerbil",  "giraffe",  "goat",      "goose",     "gorilla",  "grouse",  "gull",     "hamster",
    "hare",      "hawk",    "hedgehog", "heron",     "hippo",     "horse",    "hyena",   "ibis",     "iguana",
    "impala",    "jackal",  "jaguar",   "jellyfish", "kangaroo",  "kiwi",     "koala",   "lemur",    "leopard",
    "lion",      "lizard",  "llama",    "lobster",   "lynx",      "magpie",   "mole",    "mongoose", "moose",
    "moth",      "mouse",   "newt",     "octopus",   "okapi",     "orca",     "ostrich", "otter",    "owl",
    "panda",     "panther", "parrot",   "pelican",   "penguin",   "puma",     "quail",   "rabbit",   "raccoon",
    "raven",     "seal",    "shark",    "sloth",     "swan",      "tiger",    "turtle",  "walrus",   "wolf",
    "yak",       "zebra"};

} // namespace

QString generateRunName(const QSet<QString> &taken, QRandomGenerator *random)
{
    QRandomGenerator *rng = random ? random : QRandomGenerator::global();
    const QString base = QStringLiteral("%1-%2").arg(QLatin1String(kAdjectives[rng->bounded(int(kAdjectives.size()))]),
                                                     QLatin1String(kAnimals[rng->bounded(int(kAnimals.size()))]));
    for (int n = 1;; ++n) {
        const QString candidate = base + QLatin1Char('-') + QString::number(n);
        if (!taken.contains(candidate))
            return candidate;
    }
}

bool isValidRunName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9-]{1,40}$"));
    return pattern.match(name).hasMatch();
}

QString runNameRule()
{
    return QStringLiteral("use 2 to 41 lowercase letters, digits and '-', starting with a letter");
}

int runNameAdjectiveCount()
{
    return int(kAdjectives.size());
}

int runNameAnimalCount()
{
    return int(kAnimals.size());
}

} // namespace gantry
