// @generated automatically by Diesel CLI.

diesel::table! {
    A1 (id) {
        id -> Integer,
    }
}

diesel::table! {
    Alpha (id) {
        id -> Integer,
    }
}

diesel::table! {
    _under (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "a b"]
    a_b (id) {
        id -> Integer,
    }
}

diesel::table! {
    a_b (id) {
        id -> Integer,
    }
}

diesel::table! {
    beta (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "ähm"]
    _hm (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "Ω"]
    __ (id) {
        id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(A1, Alpha, _under, a_b, a_b, beta, _hm, __,);
