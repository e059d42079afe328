#pragma once

// `gantry-cli chat`'s options, declared once (for chat and chat --compare) and read once
// into typed values.

#include "app/cli/BackendSelection.h"

#include "core/chat/ChatTypes.h"

#include <QCommandLineParser>

#include <optional>

namespace gantry::cli {

// What --compare shares with chat: the model, system prompt, parameters, timeout and --json.
struct SharedChatOptions {
    QString model;
    ChatParameters params;
    int idleTimeoutMs = 120000;
    bool json = false;
    BackendChoice backend;

    static std::optional<SharedChatOptions> from(const QCommandLineParser &arguments, QString *error);
};

// One endpoint's chat: the shared options plus where to send and what.
struct ChatOptions : SharedChatOptions {
    QString run, url, format = QStringLiteral("openai"), token, message;
    bool tokenOnCommandLine = false;
    qint64 conversationId = 0;

    // Reads the token file and a MESSAGE of '-' (stdin) too; nullopt with *error set on misuse.
    static std::optional<ChatOptions> from(const QCommandLineParser &arguments, QString *error);
};

QList<QCommandLineOption> chatOptionDeclarations();
QCommandLineOption compareOption();
// Options that name one endpoint: they make no sense with --compare.
QStringList singleEndpointOptionNames();

} // namespace gantry::cli
