fn main() {
    {                      // s is not valid here, it is not declared yet
        let s = "hello";   // s is valid from this point forward
        println!("{s}");   // do stuff with s
    }                      // this scope is now over, and s is no longer valid
    let t = s.len();
    drop(t);
}
