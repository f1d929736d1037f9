// The JSON lines on stdout (the protocol, see native/README.md).
#pragma once

#include <string>

std::string json_str(const std::string & s);
std::string json_num(double v);

// small builder: json_obj().s("type","progress").n("step",3).str()
struct json_obj {
    std::string body;
    json_obj & raw(const char * k, const std::string & v) {
        body += (body.empty() ? "" : ",") + json_str(k) + ":" + v;
        return *this;
    }
    json_obj & s(const char * k, const std::string & v) { return raw(k, json_str(v)); }
    json_obj & n(const char * k, double v)              { return raw(k, json_num(v)); }
    json_obj & i(const char * k, int64_t v)             { return raw(k, std::to_string(v)); }
    json_obj & b(const char * k, bool v)                { return raw(k, v ? "true" : "false"); }
    std::string str() const { return "{" + body + "}"; }
};

// one line on stdout, flushed
void emit(const json_obj & o);
