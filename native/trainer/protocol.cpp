#include "protocol.h"
#include "errors.h"

#include <cmath>
#include <cstdio>
#include <mutex>

//
// JSON lines on stdout
//

static std::mutex g_stdout_mutex;

std::string json_str(const std::string & s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':  out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n";  break;
            case '\r': out += "\\r";  break;
            case '\t': out += "\\t";  break;
            default:
                if (c < 0x20) {
                    out += string_format("\\u%04x", c);
                } else {
                    out += (char) c;
                }
        }
    }
    return out + "\"";
}

std::string json_num(double v) {
    if (!std::isfinite(v)) {
        return "null";
    }
    return string_format("%.9g", v);
}


void emit(const json_obj & o) {
    std::lock_guard<std::mutex> lock(g_stdout_mutex);
    fputs(o.str().c_str(), stdout);
    fputc('\n', stdout);
    fflush(stdout);
}
