// @generated automatically by Diesel CLI.

diesel::table! {
    _a (__pk_) {
        #[sql_name = "__pk"]
        __pk_ -> Integer,
        #[sql_name = "a_ b"]
        a__b -> Nullable<Text>,
        #[sql_name = "a _b"]
        a__b -> Nullable<Text>,
        #[sql_name = "-1"]
        _1 -> Nullable<Text>,
        #[sql_name = "1-"]
        _1_ -> Nullable<Text>,
        #[sql_name = "9"]
        _9 -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "columns"]
    columns_ (id) {
        id -> Integer,
        #[sql_name = "is_nullable"]
        is_nullable_ -> Nullable<Text>,
        #[sql_name = "__x"]
        __x_ -> Nullable<Text>,
        __ -> Nullable<Text>,
        ___ -> Nullable<Text>,
        __a_ -> Nullable<Text>,
        #[sql_name = "_"]
        __ -> Nullable<Text>,
        #[sql_name = "table"]
        table_ -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "fn"]
    fn_ (id) {
        id -> Integer,
        #[sql_name = "fn_"]
        fn__ -> Nullable<Text>,
        #[sql_name = "fn"]
        fn_ -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "my-t"]
    my_t (id) {
        id -> Integer,
        #[sql_name = "my t"]
        my_t_ -> Nullable<Integer>,
    }
}

diesel::table! {
    #[sql_name = "type"]
    type_ (id) {
        id -> Integer,
        #[sql_name = "type_"]
        type__ -> Nullable<Integer>,
    }
}

diesel::joinable!(my_t -> columns_ (my_t_));
diesel::joinable!(type_ -> columns_ (type__));

diesel::allow_tables_to_appear_in_same_query!(_a, columns_, fn_, my_t, type_,);
