fn main() {
    cc::Build::new().file("src/log_shim.c").warnings(true).extra_warnings(true).compile("rtmp_log_shim");
    println!("cargo:rerun-if-changed=src/log_shim.c");
}
