// @generated automatically by Diesel CLI.

diesel::table! {
    t (id) {
        id -> Integer,
        xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx -> Nullable<Timestamp>,
        #[sql_name = "y yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy yy y"]
        y_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_yy_y -> Nullable<Text>,
    }
}
