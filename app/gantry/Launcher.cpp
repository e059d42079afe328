// gantry: the program a user starts. It overlaps the two longest steps of a start, which
// otherwise run one after the other on one core (issue 14): fontconfig reading its
// configuration and font caches (as long as a bare Qt window's whole start) on a second
// thread, while this thread loads and links Qt, QScintilla and the app itself
// (lib/gantry/libgantry_desktop.so, DesktopMain.cpp). The desktop code waits for fontconfig
// before Qt first asks for a font, so fontconfig is never set up twice.
//
// Plain C and libc only: every library this program links is searched first for each of the
// desktop module's ~18,000 symbol lookups. fontconfig is loaded here, before the thread, because
// two loads at once take turns (the dynamic linker's lock), and the module's would come first.

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace {

pthread_t fontconfigSetup;
bool fontconfigStarted = false;

void *setUpFontconfig(void *fcInit)
{
    reinterpret_cast<int (*)()>(fcInit)();
    return nullptr;
}

// Called by the desktop code before its first font (and by the launcher if it was not).
extern "C" void waitForFontconfig()
{
    if (fontconfigStarted)
        pthread_join(fontconfigSetup, nullptr);
    fontconfigStarted = false;
}

// Starts FcInit() on a second thread; without fontconfig, Qt finds out and says so itself.
void startFontconfigSetup()
{
    void *fontconfig = dlopen("libfontconfig.so.1", RTLD_NOW | RTLD_LOCAL);
    void *fcInit = fontconfig ? dlsym(fontconfig, "FcInit") : nullptr;
    fontconfigStarted = fcInit && pthread_create(&fontconfigSetup, nullptr, setUpFontconfig, fcInit) == 0;
}

// <this program's directory>/../lib/gantry/libgantry_desktop.so: the build tree's layout
// (build/bin, build/lib/gantry) and an install's (<prefix>/bin, <prefix>/lib/gantry) alike.
bool desktopLibraryPath(char (&path)[PATH_MAX])
{
    static const char relative[] = "../lib/gantry/libgantry_desktop.so";
    const ssize_t length = readlink("/proc/self/exe", path, sizeof path);
    if (length <= 0 || size_t(length) >= sizeof path)
        return false;
    char *slash = static_cast<char *>(memrchr(path, '/', size_t(length)));
    if (!slash || size_t(slash + 1 - path) + sizeof relative > sizeof path)
        return false;
    memcpy(slash + 1, relative, sizeof relative);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    startFontconfigSetup();
    char path[PATH_MAX];
    const bool found = desktopLibraryPath(path);
    void *desktop = found ? dlopen(path, RTLD_LAZY | RTLD_LOCAL) : nullptr;
    using DesktopMain = int (*)(int, char **, void (*)());
    const auto run = desktop ? reinterpret_cast<DesktopMain>(dlsym(desktop, "gantry_desktop_main")) : nullptr;
    if (!run) {
        waitForFontconfig();
        fprintf(stderr, "gantry: cannot load the desktop app: %s; reinstalling Gantry puts it back\n",
                found ? dlerror() : "this program's path is unknown");
        return 1;
    }
    const int code = run(argc, argv, waitForFontconfig);
    waitForFontconfig();
    return code;
}
