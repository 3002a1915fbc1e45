// @generated automatically by Diesel CLI.

diesel::table! {
    copy (rowid) {
        rowid -> Integer,
        id -> Nullable<Integer>,
        n -> Nullable<Integer>,
        t -> Nullable<Text>,
        r -> Nullable<Float>,
        d -> Nullable<Double>,
        b -> Nullable<Binary>,
        x -> Nullable<Binary>,
        expr -> Nullable<Binary>,
        lit -> Nullable<Binary>,
    }
}

diesel::table! {
    src (id) {
        id -> Integer,
        n -> Nullable<Integer>,
        t -> Nullable<Text>,
        r -> Nullable<Float>,
        d -> Nullable<Double>,
        b -> Nullable<Binary>,
        x -> Nullable<Binary>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(copy, src,);
