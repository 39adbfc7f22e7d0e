{
  "targets": [
    {
      "target_name": "tapecoord",
      "sources": [
        "native/addon.cc",
        "native/errors.cc",
        "native/medium_wrap.cc",
        "native/st_device.cc",
        "native/data_file.cc",
        "native/sim_tape.cc",
        "native/ring.cc",
        "native/pipeline.cc",
        "native/pipeline_mapped.cc",
        "native/pipeline_wrap.cc",
        "native/sg_io.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "libraries": ["-lpthread"]
    }
  ]
}
