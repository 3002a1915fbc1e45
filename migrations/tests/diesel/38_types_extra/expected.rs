// @generated automatically by Diesel CLI.

diesel::table! {
    g (id) {
        id -> Integer,
        a -> Nullable<Integer>,
        b -> Nullable<Binary>,
        c -> Nullable<Binary>,
        d -> Nullable<Text>,
        e -> Integer,
    }
}

diesel::table! {
    t (id) {
        id -> Integer,
        a -> Nullable<Integer>,
        b -> Nullable<Integer>,
        c -> Nullable<Text>,
        d -> Nullable<Text>,
        e -> Nullable<Text>,
        f -> Nullable<Integer>,
        g -> Nullable<Text>,
        h -> Nullable<Bool>,
        i -> Nullable<Text>,
        j -> Nullable<Text>,
        k -> Nullable<Text>,
        l -> Nullable<Double>,
        m -> Nullable<Double>,
        n -> Nullable<Float>,
        o -> Nullable<Float>,
        p -> Nullable<Float>,
        q -> Nullable<Integer>,
        r -> Nullable<Date>,
        s -> Nullable<Timestamp>,
        t2 -> Nullable<Timestamp>,
        u -> Nullable<Time>,
        v -> Nullable<BigInt>,
        w -> Nullable<SmallInt>,
        x -> Nullable<BigInt>,
        y -> Nullable<Text>,
        z -> Nullable<Double>,
        aa -> Nullable<Bool>,
        ab -> Bool,
        ac -> Integer,
        ad -> Nullable<Double>,
        ae -> Nullable<Integer>,
        af -> Nullable<SmallInt>,
        ag -> Nullable<SmallInt>,
        ah -> Nullable<BigInt>,
        ai -> Nullable<Integer>,
        aj -> Nullable<Binary>,
        ak -> Nullable<Text>,
        al -> Nullable<Binary>,
        am -> Nullable<Binary>,
        an -> Nullable<Binary>,
        ao -> Nullable<Text>,
        ap -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(g, t,);
