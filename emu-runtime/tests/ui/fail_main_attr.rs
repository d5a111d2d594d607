// `#[emu_runtime::main]` needs to know the template whose environment main gets: from main's own
// `lambda_app!("...")`, or named in the attribute.
#[emu_runtime::main]
fn main() {
    println!("no lambda_app! here");
}
