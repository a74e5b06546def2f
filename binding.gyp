{
  "variables": {
    "native_sources": ["native/addon.c", "native/readdir.c", "native/pack.c", "native/evict.c", "native/dirwalk.c", "native/verify.c"]
  },
  "target_defaults": {
    "sources": ["<@(native_sources)"],
    "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
  },
  "targets": [
    { "target_name": "cachectl_native", "defines": ["NAPI_VERSION=8"] },
    {
      "target_name": "cachectl_test",
      "target_conditions": [["_type=='loadable_module'", { "product_extension": "node-test" }]],
      "defines": ["NAPI_VERSION=8", "CACHECTL_TEST_HOOKS"]
    }
  ]
}
