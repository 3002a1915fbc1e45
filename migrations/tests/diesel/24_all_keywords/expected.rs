// @generated automatically by Diesel CLI.

diesel::table! {
    #[sql_name = "Self"]
    Self_ (id) {
        id -> Integer,
    }
}

diesel::table! {
    Upper_kw (id) {
        id -> Integer,
        Type -> Nullable<Text>,
        FN -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "_"]
    __ (id) {
        id -> Integer,
        #[sql_name = "_"]
        __ -> Nullable<Text>,
    }
}

diesel::table! {
    #[sql_name = "async"]
    async_ (id) {
        id -> Integer,
        #[sql_name = "await"]
        await_ -> Nullable<Integer>,
    }
}

diesel::table! {
    kw (id) {
        id -> Integer,
        #[sql_name = "as"]
        as_ -> Nullable<Text>,
        #[sql_name = "break"]
        break_ -> Nullable<Text>,
        #[sql_name = "const"]
        const_ -> Nullable<Text>,
        #[sql_name = "continue"]
        continue_ -> Nullable<Text>,
        #[sql_name = "crate"]
        crate_ -> Nullable<Text>,
        #[sql_name = "else"]
        else_ -> Nullable<Text>,
        #[sql_name = "enum"]
        enum_ -> Nullable<Text>,
        #[sql_name = "extern"]
        extern_ -> Nullable<Text>,
        #[sql_name = "false"]
        false_ -> Nullable<Text>,
        #[sql_name = "fn"]
        fn_ -> Nullable<Text>,
        #[sql_name = "for"]
        for_ -> Nullable<Text>,
        #[sql_name = "if"]
        if_ -> Nullable<Text>,
        #[sql_name = "impl"]
        impl_ -> Nullable<Text>,
        #[sql_name = "in"]
        in_ -> Nullable<Text>,
        #[sql_name = "let"]
        let_ -> Nullable<Text>,
        #[sql_name = "loop"]
        loop_ -> Nullable<Text>,
        #[sql_name = "match"]
        match_ -> Nullable<Text>,
        #[sql_name = "mod"]
        mod_ -> Nullable<Text>,
        #[sql_name = "move"]
        move_ -> Nullable<Text>,
        #[sql_name = "mut"]
        mut_ -> Nullable<Text>,
        #[sql_name = "pub"]
        pub_ -> Nullable<Text>,
        #[sql_name = "ref"]
        ref_ -> Nullable<Text>,
        #[sql_name = "return"]
        return_ -> Nullable<Text>,
        #[sql_name = "self"]
        self_ -> Nullable<Text>,
        #[sql_name = "static"]
        static_ -> Nullable<Text>,
        #[sql_name = "struct"]
        struct_ -> Nullable<Text>,
        #[sql_name = "super"]
        super_ -> Nullable<Text>,
        #[sql_name = "trait"]
        trait_ -> Nullable<Text>,
        #[sql_name = "true"]
        true_ -> Nullable<Text>,
        #[sql_name = "type"]
        type_ -> Nullable<Text>,
        #[sql_name = "unsafe"]
        unsafe_ -> Nullable<Text>,
        #[sql_name = "use"]
        use_ -> Nullable<Text>,
        #[sql_name = "where"]
        where_ -> Nullable<Text>,
        #[sql_name = "while"]
        while_ -> Nullable<Text>,
        #[sql_name = "async"]
        async_ -> Nullable<Text>,
        #[sql_name = "await"]
        await_ -> Nullable<Text>,
        #[sql_name = "dyn"]
        dyn_ -> Nullable<Text>,
        #[sql_name = "abstract"]
        abstract_ -> Nullable<Text>,
        #[sql_name = "become"]
        become_ -> Nullable<Text>,
        #[sql_name = "box"]
        box_ -> Nullable<Text>,
        #[sql_name = "do"]
        do_ -> Nullable<Text>,
        #[sql_name = "final"]
        final_ -> Nullable<Text>,
        #[sql_name = "macro"]
        macro_ -> Nullable<Text>,
        #[sql_name = "override"]
        override_ -> Nullable<Text>,
        #[sql_name = "priv"]
        priv_ -> Nullable<Text>,
        #[sql_name = "typeof"]
        typeof_ -> Nullable<Text>,
        #[sql_name = "unsized"]
        unsized_ -> Nullable<Text>,
        #[sql_name = "virtual"]
        virtual_ -> Nullable<Text>,
        #[sql_name = "yield"]
        yield_ -> Nullable<Text>,
        #[sql_name = "try"]
        try_ -> Nullable<Text>,
        gen -> Nullable<Text>,
        union -> Nullable<Text>,
        macro_rules -> Nullable<Text>,
        raw -> Nullable<Text>,
        safe -> Nullable<Text>,
        default -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(Self_, Upper_kw, __, async_, kw,);
