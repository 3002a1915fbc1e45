// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "$money"]
    _money (id) {
        id -> Integer,
    }
}

diesel::table! {
    #[sql_name = "a.b"]
    a_b (id) {
        id -> Integer,
    }
}

diesel::table! {
    sym (id) {
        id -> Integer,
        #[sql_name = "-"]
        __ -> Nullable<Text>,
        #[sql_name = "a.b"]
        a_b -> Nullable<Text>,
        #[sql_name = "a/b"]
        a_b -> Nullable<Text>,
        #[sql_name = "(x)"]
        _x_ -> Nullable<Text>,
        #[sql_name = "a  b"]
        a_b -> Nullable<Text>,
        #[sql_name = " lead"]
        _lead -> Nullable<Text>,
        #[sql_name = "trail "]
        trail_ -> Nullable<Text>,
        #[sql_name = "$x"]
        _x -> Nullable<Text>,
        #[sql_name = "é"]
        e_ -> Nullable<Text>,
        #[sql_name = "日本"]
        __ -> Nullable<Text>,
        #[sql_name = "a	b"]
        a_b -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(_money, a_b, sym,);
