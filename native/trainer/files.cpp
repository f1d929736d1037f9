#include "common.h"
#include "files.h"

#if defined(_WIN32)
#define WIN32_LEAN_AND_MEAN
#define NOMINMAX
#include <windows.h>
#include <io.h>
#define tt_fsync(fd) _commit(fd)
#define tt_fileno(f) _fileno(f)
#else
#include <unistd.h>
#define tt_fsync(fd) fsync(fd)
#define tt_fileno(f) fileno(f)
#endif

//
// files: atomic writes
//

void write_all(FILE * f, const void * data, size_t n, const std::string & path) {
    if (n > 0 && fwrite(data, 1, n, f) != n) {
        TT_FAIL(TT_IO, "cannot write '%s': %s", path.c_str(), strerror(errno));
    }
}

FILE * open_for_write(const std::string & path) {
    FILE * f = fopen(path.c_str(), "wb");
    if (!f) {
        TT_FAIL(TT_IO, "cannot create '%s': %s", path.c_str(), strerror(errno));
    }
    return f;
}

void close_synced(FILE * f, const std::string & path) {
    bool ok = fflush(f) == 0;
    ok = ok && tt_fsync(tt_fileno(f)) == 0;
    const int err = errno;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        TT_FAIL(TT_IO, "cannot write '%s': %s", path.c_str(), strerror(err ? err : errno));
    }
}

void rename_atomic(const std::string & from, const std::string & to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (ec) {
        TT_FAIL(TT_IO, "cannot rename '%s' to '%s': %s", from.c_str(), to.c_str(), ec.message().c_str());
    }
}

std::string tmp_name_for(const std::string & path) {
    const fs::path p(path);
    const std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(
#if defined(_WIN32)
        (long long) GetCurrentProcessId()
#else
        (long long) getpid()
#endif
    );
    return (p.parent_path() / name).string();
}

// write a GGUF with the tensors' data (host tensors directly, device tensors through a copy); checks every write, fsyncs
void write_gguf(const gguf_context * gctx, const std::vector<ggml_tensor *> & tensors, const std::string & path) {
    FILE * f = open_for_write(path);
    std::vector<uint8_t> staging;
    try {
        std::vector<uint8_t> meta(gguf_get_meta_size(gctx));
        gguf_get_meta_data(gctx, meta.data());
        write_all(f, meta.data(), meta.size(), path);
        size_t pos = 0;
        const size_t align = gguf_get_alignment(gctx);
        std::vector<uint8_t> zeros(align, 0);
        for (size_t i = 0; i < tensors.size(); ++i) {
            const size_t offs = gguf_get_tensor_offset(gctx, (int64_t) i);
            if (offs < pos) {
                TT_FAIL(TT_INTERNAL, "tensor offsets out of order in '%s'", path.c_str());
            }
            write_all(f, zeros.data(), offs - pos, path);
            const size_t nb = ggml_nbytes(tensors[i]);
            const void * data = tensors[i]->data;
            if (tensors[i]->buffer && !ggml_backend_buffer_is_host(tensors[i]->buffer)) {
                staging.resize(nb);
                ggml_backend_tensor_get(tensors[i], staging.data(), 0, nb);
                data = staging.data();
            }
            write_all(f, data, nb, path);
            pos = offs + nb;
        }
        const size_t padded = GGML_PAD(pos, align);
        write_all(f, zeros.data(), padded - pos, path);
    } catch (...) {
        fclose(f);
        throw;
    }
    close_synced(f, path);
}
