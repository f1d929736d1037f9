// Atomic file writes: a temp file in the same directory, every write checked, fsynced, renamed.
#pragma once

#include "gguf.h"

#include <cstdio>
#include <string>
#include <vector>

struct ggml_tensor;

void write_all(FILE * f, const void * data, size_t n, const std::string & path);
FILE * open_for_write(const std::string & path);
void close_synced(FILE * f, const std::string & path);
void rename_atomic(const std::string & from, const std::string & to);
std::string tmp_name_for(const std::string & path);
// a GGUF with the tensors' data (host tensors directly, device tensors through a copy), written atomically
void write_gguf(const gguf_context * gctx, const std::vector<ggml_tensor *> & tensors, const std::string & path);
